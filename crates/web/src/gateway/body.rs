//! Bodies streamed through the gateway, never held whole: the request body is counted,
//! capped and watched for a stalled client on its way to the application; the response
//! body is counted on its way back and the call is logged when it ends (or is abandoned).

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::{Body, Bytes};
use http_body::{Body as _, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::sync::Notify;
use tokio::time::{Instant, Sleep};

/// Why the request body stopped (0: it did not).
pub const FAULT_TOO_LARGE: u8 = 1;
pub const FAULT_IDLE: u8 = 2;

/// What the proxy learns from the request body as it flows.
#[derive(Default)]
pub struct Progress {
    pub bytes: AtomicU64,
    pub fault: AtomicU8,
    /// Signalled when the body has been sent whole: the application's time starts then.
    pub done: Notify,
}

/// The caller's request body on its way to the application.
pub struct Metered {
    inner: Body,
    progress: Arc<Progress>,
    limit: u64,
    idle: Duration,
    /// Armed when the caller first keeps the body waiting (a bodiless call never does).
    stall: Option<Pin<Box<Sleep>>>,
    /// When a byte last came; the stall timer is moved only when it fires.
    last_byte: Instant,
    finished: bool,
    started: Instant,
    /// Bytes a second the body must average after its first `idle` (0: any).
    min_rate: u64,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The error a stopped body gives the HTTP client (the proxy reads the fault instead).
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body stopped by the gateway")
    }
}

impl std::error::Error for Stopped {}

impl Metered {
    pub fn new(inner: Body, progress: Arc<Progress>, limit: u64, idle: Duration, min_rate: u64) -> Self {
        let started = Instant::now();
        let mut metered =
            Self { inner, progress, limit, idle, stall: None, last_byte: started, finished: false, started, min_rate };
        // No body (a GET): hyper never polls it, and the application's time starts now.
        if http_body::Body::is_end_stream(&metered.inner) {
            metered.finish();
        }
        metered
    }

    /// Whether `total` bytes came too slowly: each byte buys `1/min_rate` of a second on top
    /// of the first idle period (Apache's `MinRate` rule), so a body trickled just inside
    /// the idle limit is stopped, while a large upload at any useful speed is not.
    fn too_slow(&self, total: u64) -> bool {
        self.min_rate > 0 && {
            let allowed = self.idle.as_secs_f64() + total as f64 / self.min_rate as f64;
            self.started.elapsed().as_secs_f64() > allowed
        }
    }

    fn finish(&mut self) {
        if !self.finished {
            self.finished = true;
            self.progress.done.notify_one();
        }
    }

    fn stop(&mut self, fault: u8) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.progress.fault.store(fault, Ordering::Relaxed);
        // The proxy stops waiting for the application when the body fails; wake it.
        self.finish();
        Poll::Ready(Some(Err(Box::new(Stopped))))
    }
}

impl http_body::Body for Metered {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let total = this.progress.bytes.fetch_add(data.len() as u64, Ordering::Relaxed) + data.len() as u64;
                    if total > this.limit {
                        return this.stop(FAULT_TOO_LARGE);
                    }
                    if this.too_slow(total) {
                        return this.stop(FAULT_IDLE);
                    }
                }
                this.last_byte = Instant::now();
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.finish();
                Poll::Ready(Some(Err(Box::new(e))))
            }
            Poll::Ready(None) => {
                this.finish();
                Poll::Ready(None)
            }
            Poll::Pending => {
                // A caller that stops sending holds a connection to the application too:
                // after `idle` without a byte, give up on it. The timer is made on the
                // first wait and moved only when bytes came since, not on every frame.
                let deadline = this.last_byte + this.idle;
                let stall = this.stall.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
                if stall.deadline() != deadline {
                    stall.as_mut().reset(deadline);
                }
                ready!(stall.as_mut().poll(cx));
                this.stop(FAULT_IDLE)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        self.finish();
    }
}

/// What happens once when a response ends: `complete` when it was read to its end (the
/// connection may then serve another call), not when it failed or was abandoned.
pub trait OnEnd {
    fn end(self, bytes_out: u64, complete: bool);
}

/// The application's response body on its way back to the caller.
pub struct Logged<E: OnEnd> {
    inner: Incoming,
    bytes: u64,
    on_end: Option<E>,
}

impl<E: OnEnd> Logged<E> {
    pub fn new(inner: Incoming, on_end: E) -> Self {
        Self { inner, bytes: 0, on_end: Some(on_end) }
    }

    fn end(&mut self, complete: bool) {
        if let Some(on_end) = self.on_end.take() {
            on_end.end(self.bytes, complete);
        }
    }
}

impl<E: OnEnd + Unpin> http_body::Body for Logged<E> {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        let polled = ready!(Pin::new(&mut this.inner).poll_frame(cx));
        match &polled {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    this.bytes += data.len() as u64;
                }
            }
            Some(Err(_)) => this.end(false),
            None => this.end(true),
        }
        Poll::Ready(polled)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl<E: OnEnd> Drop for Logged<E> {
    fn drop(&mut self) {
        // The server drops a body it knows has ended without polling it again (and one
        // that was empty from the start); dropped before its end, the caller went away.
        let complete = self.inner.is_end_stream();
        self.end(complete);
    }
}
