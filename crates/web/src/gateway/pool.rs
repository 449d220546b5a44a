//! The gateway's connections to an application: HTTP/1.1 connections kept per upstream
//! (`scheme://host:port`) and reused, one call at a time on each.
//!
//! Why not `hyper_util`'s pooled client: it hands a connection back by spawning a task per
//! call that waits until the connection is free again, and wraps every call in checkout,
//! connect and select futures: about 3 µs of the 36 µs a call cost on the gateway bench.
//! Here a connection goes back to its upstream's idle list when the caller has read the
//! response to its end ([`Lease::give_back`]); a call takes the newest idle connection that
//! is ready, or opens one. A connection left idle for [`IDLE_FOR`] is closed when the
//! upstream is next used (nginx's `keepalive_timeout` is 75 s: ours ends first).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Uri;
use hyper::body::Incoming;
use hyper::client::conn::http1::{Builder, SendRequest};
use tower::Service;

use super::Connector;
use super::body::Metered;

/// Idle connections kept per upstream at most; more are closed when handed back.
const MAX_IDLE: usize = 256;
/// How long a connection is kept unused.
pub const IDLE_FOR: Duration = Duration::from_secs(60);

type Sender = SendRequest<Metered>;

/// A connection waiting for a call, since when.
struct Idle {
    since: Instant,
    sender: Sender,
}

/// One upstream's idle connections, the most recently used last.
pub struct Upstream {
    /// `scheme://authority/`: what the connector dials.
    origin: Uri,
    idle: Mutex<Vec<Idle>>,
}

/// How a call on an upstream failed.
#[derive(Debug)]
pub enum SendError {
    /// No connection could be opened.
    Connect(String),
    /// The connection broke while the request was sent or before the answer came.
    Transport(hyper::Error),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Connect(error) => write!(f, "connect: {error}"),
            Self::Transport(error) => write!(f, "{error:?}"),
        }
    }
}

/// A connection in use by one call; handed back once its response was read whole.
pub struct Lease {
    upstream: Arc<Upstream>,
    sender: Sender,
}

impl Lease {
    /// Returns the connection to its upstream's idle list. Only a response read to its end
    /// leaves the connection fit for the next call; a lease dropped instead closes it.
    pub fn give_back(self) {
        self.upstream.keep(self.sender, Instant::now());
    }
}

impl Upstream {
    pub fn new(origin: Uri) -> Self {
        Self { origin, idle: Mutex::default() }
    }

    fn keep(&self, sender: Sender, now: Instant) {
        let Ok(mut idle) = self.idle.lock() else { return };
        if idle.len() >= MAX_IDLE {
            idle.retain(|kept| !kept.sender.is_closed());
        }
        if idle.len() < MAX_IDLE && !sender.is_closed() {
            idle.push(Idle { since: now, sender });
        }
    }

    /// The newest idle connection that is free. Closed ones met on the way are dropped, and
    /// so are those idle for [`IDLE_FOR`] (the oldest, at the front).
    fn take_idle(&self, now: Instant) -> Option<Sender> {
        let mut idle = self.idle.lock().ok()?;
        let stale = idle.iter().take_while(|kept| now.saturating_duration_since(kept.since) >= IDLE_FOR).count();
        idle.drain(..stale);
        while idle.last().is_some_and(|kept| kept.sender.is_closed()) {
            idle.pop();
        }
        // A connection handed back a moment ago may not have finished reading its last
        // response: it is skipped, not waited for.
        let ready = idle.iter().rposition(|kept| kept.sender.is_ready())?;
        Some(idle.swap_remove(ready).sender)
    }

    async fn connect(&self, connector: &Connector) -> Result<Sender, SendError> {
        let io = connector.clone().call(self.origin.clone()).await.map_err(|e| SendError::Connect(e.to_string()))?;
        let (sender, connection) = Builder::new().handshake(io).await.map_err(SendError::Transport)?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "gateway: upstream connection ended with an error");
            }
        });
        Ok(sender)
    }

    /// Sends `request` (origin-form URI, `Host` set) on an idle connection or a new one.
    /// A request an idle connection could not take (it closed meanwhile) goes on the next
    /// one untouched, whatever its method: it never reached the application.
    pub async fn send(
        self: &Arc<Self>,
        connector: &Connector,
        mut request: hyper::Request<Metered>,
    ) -> Result<(hyper::Response<Incoming>, Lease), SendError> {
        loop {
            let (mut sender, reused) = match self.take_idle(Instant::now()) {
                Some(sender) => (sender, true),
                None => (self.connect(connector).await?, false),
            };
            match sender.try_send_request(request).await {
                Ok(response) => return Ok((response, Lease { upstream: self.clone(), sender })),
                Err(mut error) => match error.take_message() {
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(SendError::Transport(error.into_error())),
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use tokio::io::AsyncReadExt;

    use super::*;

    /// Listens on loopback; counts the connections the other side closed.
    async fn listener() -> (Uri, Arc<AtomicU64>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}/", listener.local_addr().unwrap()).parse().unwrap();
        let closed = Arc::new(AtomicU64::new(0));
        let count = closed.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 64];
                    while matches!(socket.read(&mut buf).await, Ok(n) if n > 0) {}
                    count.fetch_add(1, Ordering::SeqCst);
                });
            }
        });
        (origin, closed)
    }

    #[tokio::test]
    async fn a_connection_idle_for_a_minute_is_closed_and_a_newer_one_used() {
        let (origin, closed) = listener().await;
        let upstream = Upstream::new(origin);
        let connector = super::super::connector();
        let t0 = Instant::now();
        let older = upstream.connect(&connector).await.unwrap();
        let newer = upstream.connect(&connector).await.unwrap();
        // Each connection's task takes its first turn and becomes ready for a request.
        tokio::time::sleep(Duration::from_millis(50)).await;
        upstream.keep(older, t0);
        upstream.keep(newer, t0 + Duration::from_secs(30));
        let in_use = upstream.take_idle(t0 + Duration::from_secs(59));
        assert!(in_use.is_some(), "the newer one first");
        assert_eq!(upstream.idle.lock().unwrap().len(), 1);

        let taken = upstream.take_idle(t0 + IDLE_FOR + Duration::from_secs(1));
        assert!(taken.is_none(), "idle a minute: not used");
        assert!(upstream.idle.lock().unwrap().is_empty());
        let deadline = Instant::now() + Duration::from_secs(5);
        while closed.load(Ordering::SeqCst) < 1 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(closed.load(Ordering::SeqCst), 1, "and closed (the one in use is not)");
        drop(in_use);
    }
}
