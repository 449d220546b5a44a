//! The gateway under load and failure (SQLite; the store plays no part here): 100 MB both
//! ways without buffering, size and time limits, retries, the circuit breaker, and a
//! caller that stalls while sending. No test asserts a timing: each waits for an event
//! (with a deadline) or checks what the application saw.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout};

use crate::gateway::{Gw, gateway, problem_code};
use crate::gateway_upstream::{self, BIG, FIRST_PART, MIB};
use crate::helpers::{Backend, TestDb, client};

async fn sqlite() -> TestDb {
    TestDb::new(Backend::Sqlite).await.unwrap()
}

/// Polls `done` until it holds or `secs` pass.
async fn eventually(secs: u64, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

fn address(gw: &Gw) -> String {
    gw.app.base.trim_start_matches("http://").to_string()
}

/// Reads an HTTP/1.1 response's status line and whatever body follows, until the server closes
/// or `secs` pass.
async fn read_response(stream: &mut TcpStream, secs: u64) -> String {
    let mut out = Vec::new();
    let _ = timeout(Duration::from_secs(secs), async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
            let text = String::from_utf8_lossy(&out);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                    .and_then(|v| v.parse::<usize>().ok());
                if length.is_some_and(|n| body.len() >= n) {
                    break;
                }
            }
        }
    })
    .await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn streams_100_mb_both_ways_without_holding_them() {
    let (upstream, up) = gateway_upstream::start().await;
    let gw = gateway(sqlite().await, &[("KTP-EL", &upstream, 30_000, 200 * MIB as i64)], (None, None), |_| {}).await;

    // Upload: after the first 10 MB the caller stops and waits until the application has
    // half of them. A gateway that buffered the body would send nothing before the end.
    let mut stream = TcpStream::connect(address(&gw)).await.unwrap();
    let head = format!(
        "POST /gw/KTP-EL/upload HTTP/1.1\r\nhost: satupintu\r\nauthorization: Bearer {}\r\ncontent-length: {BIG}\r\n\r\n",
        gw.key
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'u'; MIB as usize];
    for _ in 0..10 {
        stream.write_all(&chunk).await.unwrap();
    }
    assert!(
        eventually(30, || up.received.load(Ordering::SeqCst) >= 5 * MIB).await,
        "the application got {} bytes while the caller paused",
        up.received.load(Ordering::SeqCst)
    );
    assert!(up.received.load(Ordering::SeqCst) < BIG);
    for _ in 10..100 {
        stream.write_all(&chunk).await.unwrap();
    }
    let response = read_response(&mut stream, 60).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(&BIG.to_string()), "{response}");

    // Download: the application sends 10 MB and waits; the caller must see 5 MB of them
    // before the application sends the rest.
    let mut response = client().get(gw.app.url("/gw/KTP-EL/download")).bearer_auth(&gw.key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut got = 0u64;
    let early = timeout(Duration::from_secs(30), async {
        while got < 5 * MIB {
            got += response.chunk().await.unwrap().unwrap().len() as u64;
        }
    })
    .await;
    assert!(early.is_ok(), "only {got} bytes arrived before the application sent them all");
    assert!(got <= FIRST_PART);
    up.release.notify_one();
    while let Some(chunk) = timeout(Duration::from_secs(30), response.chunk()).await.unwrap().unwrap() {
        got += chunk.len() as u64;
    }
    assert_eq!(got, BIG);
}

#[tokio::test]
async fn limits_size_and_time() {
    let (upstream, _) = gateway_upstream::start().await;
    let gw = gateway(sqlite().await, &[("KTP-EL", &upstream, 300, MIB as i64)], (None, None), |_| {}).await;
    // Declared too large: refused before anything is sent.
    let response =
        client().post(gw.app.url("/gw/KTP-EL/upload")).bearer_auth(&gw.key).body(vec![0u8; 2 * MIB as usize]);
    let response = response.send().await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(problem_code(&response.text().await.unwrap()), "too_large");

    // Chunked, with no length: stopped once the stream passes the limit.
    let mut stream = TcpStream::connect(address(&gw)).await.unwrap();
    let head = format!(
        "POST /gw/KTP-EL/upload HTTP/1.1\r\nhost: satupintu\r\nauthorization: Bearer {}\r\ntransfer-encoding: chunked\r\n\r\n",
        gw.key
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'c'; 256 * 1024];
    for _ in 0..8 {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&frame).await.is_err() {
            break;
        }
    }
    let response = read_response(&mut stream, 20).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");

    // An application slower than its limit.
    let response = client().get(gw.app.url("/gw/KTP-EL/slow")).bearer_auth(&gw.key).send().await.unwrap();
    assert_eq!(response.status(), 504);
    assert_eq!(problem_code(&response.text().await.unwrap()), "gateway_timeout");
}

#[tokio::test]
async fn retries_get_but_never_post() {
    let (get_upstream, get_seen) = gateway_upstream::dropping(1).await;
    let (post_upstream, post_seen) = gateway_upstream::dropping(1).await;
    let routes =
        [("KTP-EL", get_upstream.as_str(), 5_000, MIB as i64), ("KK", post_upstream.as_str(), 5_000, MIB as i64)];
    let gw = gateway(sqlite().await, &routes, (None, None), |_| {}).await;
    let response = client().get(gw.app.url("/gw/KTP-EL/x")).bearer_auth(&gw.key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
    assert_eq!(get_seen.load(Ordering::SeqCst), 2, "the GET was sent again");

    let response = client().post(gw.app.url("/gw/KK/x")).bearer_auth(&gw.key).body("sekali").send().await.unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(problem_code(&response.text().await.unwrap()), "bad_gateway");
    assert_eq!(post_seen.load(Ordering::SeqCst), 1, "a POST is never sent twice");
}

#[tokio::test]
async fn circuit_opens_fails_fast_and_closes_again() {
    let (upstream, up) = gateway_upstream::start().await;
    let gw = gateway(sqlite().await, &[("KTP-EL", &upstream, 5_000, MIB as i64)], (None, None), |g| {
        g.breaker_threshold = 3;
        g.breaker_cooldown = Duration::from_millis(300);
    })
    .await;
    let call = || async {
        let response = client().get(gw.app.url("/gw/KTP-EL/flaky")).bearer_auth(&gw.key).send().await.unwrap();
        let status = response.status().as_u16();
        let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
        let kind = response.headers()["content-type"].to_str().unwrap().to_string();
        (status, retry_after, kind, response.text().await.unwrap())
    };
    up.failing.store(true, Ordering::SeqCst);
    for _ in 0..3 {
        assert_eq!(call().await.0, 503, "the application's own 503 passes through");
    }
    assert_eq!(up.hits.load(Ordering::SeqCst), 3);
    // Open: refused by the gateway without calling the application.
    let (status, retry_after, kind, body) = call().await;
    assert_eq!((status, kind.as_str(), problem_code(&body).as_str()), (503, "application/problem+json", "unavailable"));
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert_eq!(up.hits.load(Ordering::SeqCst), 3, "an open circuit does not call the application");

    // The application recovers; after the cooldown a trial call closes the circuit.
    up.failing.store(false, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut status = 0;
    while Instant::now() < deadline {
        status = call().await.0;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, 200);
    for _ in 0..3 {
        assert_eq!(call().await.0, 200);
    }
}

#[tokio::test]
async fn a_stalled_caller_times_out_without_holding_the_server() {
    let (upstream, up) = gateway_upstream::start().await;
    let gw = gateway(sqlite().await, &[("KTP-EL", &upstream, 30_000, 10 * MIB as i64)], (None, None), |g| {
        g.client_idle_timeout = Duration::from_millis(400);
    })
    .await;
    let mut stalled = TcpStream::connect(address(&gw)).await.unwrap();
    let head = format!(
        "POST /gw/KTP-EL/upload HTTP/1.1\r\nhost: satupintu\r\nauthorization: Bearer {}\r\ncontent-length: 1000000\r\n\r\n",
        gw.key
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(b"sebagian").await.unwrap();
    // Meanwhile everyone else is served.
    for _ in 0..5 {
        let response = client().get(gw.app.url("/gw/KTP-EL/flaky")).bearer_auth(&gw.key).send().await.unwrap();
        assert_eq!(response.status(), 200);
    }
    let response = read_response(&mut stalled, 20).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("request_timeout"), "{response}");
    assert!(up.received.load(Ordering::SeqCst) < 1_000_000);
}

/// A database whose server gives clients one second for headers and for taking answers.
async fn impatient() -> TestDb {
    let mut db = sqlite().await;
    db.settings.header_timeout_seconds = 1;
    db.settings.stall_timeout_seconds = 1;
    db
}

#[tokio::test]
async fn a_caller_that_stops_reading_is_cut_off_and_the_application_released() {
    let (upstream, up) = gateway_upstream::start().await;
    let gw = gateway(impatient().await, &[("KTP-EL", &upstream, 30_000, MIB as i64)], (None, None), |_| {}).await;
    let mut sleeper = TcpStream::connect(address(&gw)).await.unwrap();
    let head =
        format!("GET /gw/KTP-EL/download HTTP/1.1\r\nhost: satupintu\r\nauthorization: Bearer {}\r\n\r\n", gw.key);
    sleeper.write_all(head.as_bytes()).await.unwrap();
    // The caller reads nothing. Let the application send all it has: the buffers between
    // fill up and the gateway's writes stop making progress.
    up.release.notify_one();
    // Meanwhile everyone else is served.
    let response = client().get(gw.app.url("/gw/KTP-EL/flaky")).bearer_auth(&gw.key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    // The gateway gives up on the caller, drops the answer, and with it the application's
    // connection: its body ends long before the 100 MB are sent.
    assert!(eventually(20, || up.downloads_ended.load(Ordering::SeqCst) == 1).await, "the download is still held");
    // The caller finds its connection closed once it reads what was already buffered.
    let mut received = 0u64;
    let closed = timeout(Duration::from_secs(20), async {
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            match sleeper.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received += n as u64,
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the connection stayed open");
    assert!(received < BIG, "{received} bytes reached the caller");
}

#[tokio::test]
async fn half_a_request_or_an_idle_connection_does_not_hold_the_server() {
    let gw = gateway(impatient().await, &[], (None, None), |_| {}).await;
    // Half a request line and a header, then nothing.
    let mut slow = TcpStream::connect(address(&gw)).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nhost: satu").await.unwrap();
    // A keep-alive connection that has had its answer and sends nothing more.
    let mut idle = TcpStream::connect(address(&gw)).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: satupintu\r\n\r\n").await.unwrap();
    let first = read_response(&mut idle, 10).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    // Others are served meanwhile.
    assert_eq!(client().get(gw.app.url("/healthz")).send().await.unwrap().status(), 200);
    // Both are closed by the server within a few seconds: a read ends.
    for (name, stream) in [("half a request", &mut slow), ("idle keep-alive", &mut idle)] {
        let ended = timeout(Duration::from_secs(10), async {
            let mut buf = [0u8; 1024];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(ended.is_ok(), "{name}: the connection stayed open");
    }
}

#[tokio::test]
async fn a_body_trickled_inside_the_idle_limit_is_stopped() {
    let (upstream, up) = gateway_upstream::start().await;
    let gw = gateway(sqlite().await, &[("KTP-EL", &upstream, 30_000, 10 * MIB as i64)], (None, None), |g| {
        g.client_idle_timeout = Duration::from_millis(400);
        g.min_body_bytes_per_second = 100;
    })
    .await;
    let mut trickle = TcpStream::connect(address(&gw)).await.unwrap();
    let head = format!(
        "POST /gw/KTP-EL/upload HTTP/1.1\r\nhost: satupintu\r\nauthorization: Bearer {}\r\ncontent-length: 1000000\r\n\r\n",
        gw.key
    );
    trickle.write_all(head.as_bytes()).await.unwrap();
    // A byte every 300 ms: never idle for 400 ms, but far below 100 bytes a second.
    let sender = async {
        for _ in 0..50 {
            if trickle.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    let _ = timeout(Duration::from_secs(5), sender).await;
    let response = read_response(&mut trickle, 10).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(up.received.load(Ordering::SeqCst) < 100);
}

#[tokio::test]
async fn connections_to_an_application_are_kept_and_a_closed_one_loses_no_call() {
    let (kept, kept_seen) = gateway_upstream::keep_alive(None).await;
    let (hanging_up, hung_up_seen) = gateway_upstream::keep_alive(Some(Duration::from_millis(100))).await;
    let routes = [("KTP-EL", kept.as_str(), 5_000, MIB as i64), ("KK", hanging_up.as_str(), 5_000, MIB as i64)];
    let gw = gateway(sqlite().await, &routes, (None, None), |_| {}).await;
    for i in 0..20 {
        let response = client().get(gw.app.url(&format!("/gw/KTP-EL/{i}"))).bearer_auth(&gw.key).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
    }
    assert_eq!(kept_seen.requests.load(Ordering::SeqCst), 20);
    assert_eq!(kept_seen.connections.load(Ordering::SeqCst), 1, "one call after another share a connection");

    // The application closes each connection after the gateway took it back as idle, before
    // the next call: each POST must still arrive, once.
    for i in 0..10 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let response =
            client().post(gw.app.url(&format!("/gw/KK/{i}"))).bearer_auth(&gw.key).body("sekali").send().await.unwrap();
        assert_eq!(response.status(), 200, "call {i}");
        assert_eq!(response.text().await.unwrap(), "ok");
    }
    assert_eq!(hung_up_seen.requests.load(Ordering::SeqCst), 10, "no POST lost or sent twice");
    assert_eq!(hung_up_seen.connections.load(Ordering::SeqCst), 10);
}
