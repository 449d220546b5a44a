//! Fake applications behind the gateway: an axum server (echo, upload, download, slow,
//! flaky) and a raw TCP server that drops its first connections without an answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Notify;

pub const MIB: u64 = 1024 * 1024;
/// What `/download` sends, and the test uploads.
pub const BIG: u64 = 100 * MIB;
/// `/download` sends this much, then waits for `release`.
pub const FIRST_PART: u64 = 10 * MIB;

#[derive(Default)]
pub struct Upstream {
    /// Calls to `/flaky`.
    pub hits: AtomicU64,
    /// Bytes `/upload` has read so far.
    pub received: AtomicU64,
    /// Lets `/download` send the rest.
    pub release: Notify,
    /// `/flaky` answers 503 while set.
    pub failing: AtomicBool,
    /// `/download` bodies that ended, sent whole or dropped (the caller went away).
    pub downloads_ended: AtomicU64,
}

/// Counts a `/download` body as ended when it is dropped, whichever way it ends.
struct Ends(Arc<Upstream>);

impl Drop for Ends {
    fn drop(&mut self) {
        self.0.downloads_ended.fetch_add(1, Ordering::SeqCst);
    }
}

/// Starts the fake application; returns its base URL.
pub async fn start() -> (String, Arc<Upstream>) {
    let up = Arc::new(Upstream::default());
    let app = Router::new()
        .route("/echo", any(echo))
        .route("/api/echo", any(echo))
        .route("/upload", post(upload))
        .route("/download", get(download))
        .route("/slow", get(slow))
        .route("/flaky", any(flaky))
        .with_state(up.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, up)
}

/// Echoes what arrived as JSON, and answers with headers the gateway must strip.
async fn echo(request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let headers: serde_json::Map<String, serde_json::Value> = parts
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), serde_json::Value::String(v.to_str().unwrap_or("").to_string())))
        .collect();
    let json = serde_json::json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or(""),
        "headers": headers,
        "body_len": body.len(),
    });
    let mut out = HeaderMap::new();
    out.insert("set-cookie", "sesi_aplikasi=1".parse().unwrap());
    out.insert("keep-alive", "timeout=5".parse().unwrap());
    out.insert("connection", "x-up-hop".parse().unwrap());
    out.insert("x-up-hop", "1".parse().unwrap());
    out.insert("x-up", "ya".parse().unwrap());
    (out, axum::Json(json)).into_response()
}

async fn upload(State(up): State<Arc<Upstream>>, body: Body) -> String {
    let mut stream = body.into_data_stream();
    let mut total = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        total += chunk.len() as u64;
        up.received.store(total, Ordering::SeqCst);
    }
    total.to_string()
}

async fn download(State(up): State<Arc<Upstream>>) -> Response {
    const CHUNK: usize = 64 * 1024;
    let chunk = Bytes::from(vec![b'x'; CHUNK]);
    let chunks = (BIG / CHUNK as u64) as usize;
    let before = (FIRST_PART / CHUNK as u64) as usize;
    let ends = Arc::new(Ends(up.clone()));
    let stream = futures_util::stream::unfold(0usize, move |i| {
        let up = up.clone();
        let chunk = chunk.clone();
        let _ends = ends.clone();
        async move {
            if i >= chunks {
                return None;
            }
            if i == before {
                up.release.notified().await;
            }
            Some((Ok::<_, std::io::Error>(chunk), i + 1))
        }
    });
    let mut response = Body::from_stream(stream).into_response();
    response.headers_mut().insert("content-length", BIG.to_string().parse().unwrap());
    response
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(20)).await;
    "terlambat"
}

async fn flaky(State(up): State<Arc<Upstream>>) -> Response {
    up.hits.fetch_add(1, Ordering::SeqCst);
    if up.failing.load(Ordering::SeqCst) {
        (StatusCode::SERVICE_UNAVAILABLE, "sedang rusak").into_response()
    } else {
        "ok".into_response()
    }
}

/// A server that reads each request and closes its first `drop_first` connections without
/// an answer, then answers 200 `ok`; returns its base URL and the number of requests seen.
pub async fn dropping(drop_first: u64) -> (String, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicU64::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut byte = [0u8; 1024];
                while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut byte).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&byte[..n]),
                    }
                }
                if counter.fetch_add(1, Ordering::SeqCst) < drop_first {
                    return;
                }
                let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
            });
        }
    });
    (base, seen)
}

/// What [`keep_alive`] saw.
#[derive(Default)]
pub struct Seen {
    pub connections: AtomicU64,
    pub requests: AtomicU64,
}

/// A server answering every request 200 `ok` on a keep-alive connection; with `hang_up`,
/// it closes each connection that long after its first answer without saying so (as a
/// server whose idle timeout struck would). Reads `content-length` bodies only.
pub async fn keep_alive(hang_up: Option<Duration>) -> (String, Arc<Seen>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let counts = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            counts.connections.fetch_add(1, Ordering::SeqCst);
            let counts = counts.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut byte = [0u8; 4096];
                loop {
                    // One request: its head, then as many body bytes as it declares.
                    let head_end = loop {
                        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                        match socket.read(&mut byte).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&byte[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:").and_then(|v| v.trim().parse::<usize>().ok()))
                        .unwrap_or(0);
                    while buffer.len() < head_end + length {
                        match socket.read(&mut byte).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&byte[..n]),
                        }
                    }
                    buffer.drain(..head_end + length);
                    counts.requests.fetch_add(1, Ordering::SeqCst);
                    if socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok").await.is_err() {
                        return;
                    }
                    if let Some(after) = hang_up {
                        tokio::time::sleep(after).await;
                        return;
                    }
                }
            });
        }
    });
    (base, seen)
}
