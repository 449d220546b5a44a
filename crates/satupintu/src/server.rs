//! The HTTP server loop: hyper's connection builder with the limits a public server needs.
//!
//! `axum::serve` sets no timer, so hyper's header read timeout never runs and a client that
//! sends half a request line, or stops reading a large answer, holds its connection (and a
//! gateway call's upstream connection) for ever. Here:
//!
//! - a request's headers must arrive within `header_timeout`, and an idle keep-alive
//!   connection is closed after it too (hyper starts the timer again after each response);
//! - a connection whose writes make no progress for `stall_timeout` (the client stopped
//!   reading) is closed, which drops the response body and, through the gateway, the
//!   upstream call.
//!
//! A slow *request body* is each route's business: the portal's 30-second request timeout,
//! the gateway's idle limit and minimum rate.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a client may take over what it owes the server.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// For a request's headers, and for the next request on an idle keep-alive connection.
    pub header_timeout: Duration,
    /// For taking any bytes of a response it asked for.
    pub stall_timeout: Duration,
}

/// Accepts connections until `shutdown` resolves, then stops accepting and waits for the
/// open connections to finish their requests (the caller bounds that wait).
pub async fn run(
    listener: TcpListener,
    service: web::Service,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = service.clone();
        // Handlers read the client's address (rate limits, X-Forwarded-For) as axum's
        // `ConnectInfo`.
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            let answer = app.call(request);
            async move { Ok::<_, Infallible>(answer.await) }
        });
        let io = TokioIo::new(Guarded::new(stream, limits.stall_timeout));
        let connection = builder.serve_connection_with_upgrades(io, service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, error = %error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A TCP stream whose writes fail once they have made no progress for `limit`.
struct Guarded {
    stream: TcpStream,
    /// Boxed so the stream stays `Unpin`, as upgraded connections need.
    stall: Pin<Box<Sleep>>,
    /// Whether `stall` runs: since the first write that could not go on.
    stalled: bool,
    limit: Duration,
}

impl Guarded {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        Self { stream, stall: Box::pin(tokio::time::sleep(limit)), stalled: false, limit }
    }

    /// Passes a write's outcome on; a write that cannot go on arms (or checks) the stall
    /// timer, any progress disarms it.
    fn watch<T>(&mut self, cx: &mut Context<'_>, outcome: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match outcome {
            Poll::Ready(result) => {
                self.stalled = false;
                Poll::Ready(result)
            }
            Poll::Pending => {
                if !self.stalled {
                    self.stalled = true;
                    let deadline = Instant::now() + self.limit;
                    self.stall.as_mut().reset(deadline);
                }
                ready!(self.stall.as_mut().poll(cx));
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")))
            }
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.watch(cx, outcome)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.watch(cx, outcome)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.stream).poll_flush(cx);
        self.watch(cx, outcome)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
