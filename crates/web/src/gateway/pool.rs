//! The gateway's connections to an application: HTTP/1.1 connections kept per upstream
//! (`scheme://host:port`) and reused, one call at a time on each.
//!
//! Why not `hyper_util`'s pooled client: it hands a connection back by spawning a task per
//! call that waits until the connection is free again, and wraps every call in checkout,
//! connect and select futures: about 3 µs of the 36 µs a call cost on the gateway bench.
//! Here a connection goes back to its upstream's idle list when the caller has read the
//! response to its end ([`Lease::give_back`]); a call takes the newest idle connection that
//! is ready, or opens one.

use std::sync::{Arc, Mutex};

use axum::http::Uri;
use hyper::body::Incoming;
use hyper::client::conn::http1::{Builder, SendRequest};
use tower::Service;

use super::Connector;
use super::body::Metered;

/// Idle connections kept per upstream at most; more are closed when handed back.
const MAX_IDLE: usize = 256;

type Sender = SendRequest<Metered>;

/// One upstream's idle connections.
pub struct Upstream {
    /// `scheme://authority/`: what the connector dials.
    origin: Uri,
    idle: Mutex<Vec<Sender>>,
}

/// How a call on an upstream failed.
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
        let Ok(mut idle) = self.upstream.idle.lock() else { return };
        if idle.len() >= MAX_IDLE {
            idle.retain(|sender| !sender.is_closed());
        }
        if idle.len() < MAX_IDLE && !self.sender.is_closed() {
            idle.push(self.sender);
        }
    }
}

impl Upstream {
    pub fn new(origin: Uri) -> Self {
        Self { origin, idle: Mutex::default() }
    }

    /// The newest idle connection that is free; closed ones met on the way are dropped.
    fn take_idle(&self) -> Option<Sender> {
        let mut idle = self.idle.lock().ok()?;
        while idle.last().is_some_and(SendRequest::is_closed) {
            idle.pop();
        }
        // A connection handed back a moment ago may not have finished reading its last
        // response: it is skipped, not waited for.
        let ready = idle.iter().rposition(SendRequest::is_ready)?;
        Some(idle.swap_remove(ready))
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
            let (mut sender, reused) = match self.take_idle() {
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
