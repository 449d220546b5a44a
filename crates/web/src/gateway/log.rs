//! The access log writer: calls are queued without waiting and written in batches, one
//! transaction per batch, so logging every call costs the proxy a channel send, not a
//! database round trip. Entries queued when the process stops abruptly are lost; the chain
//! stays intact because each batch is chained inside its own transaction.

use std::time::Duration;

use store::Store;
use store::gateway::NewCall;
use tokio::sync::mpsc;

/// Calls per transaction at most.
const MAX_BATCH: usize = 1_000;
/// Queue length before callers start handing entries to tasks that wait for room.
const QUEUE: usize = 16_384;

#[derive(Clone)]
pub struct AccessLog {
    tx: mpsc::Sender<NewCall>,
}

impl AccessLog {
    /// Starts the writer (inside a Tokio runtime); it stops when every handle is gone.
    pub fn start(store: Store) -> Self {
        let (tx, mut rx) = mpsc::channel::<NewCall>(QUEUE);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
                // A failed batch is tried again a few times before it is given up (and said so).
                let mut attempt = 0;
                while let Err(error) = store.append_gateway_calls(&batch).await {
                    attempt += 1;
                    if attempt >= 3 {
                        tracing::error!(%error, lost = batch.len(), "gateway access log: batch not written");
                        metrics::counter!("gateway_log_lost_total").increment(batch.len() as u64);
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
                }
                batch.clear();
            }
        });
        Self { tx }
    }

    /// Queues a finished call; never waits.
    pub fn record(&self, call: NewCall) {
        match self.tx.try_send(call) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(call)) => {
                // Under a burst the writer is behind: wait for room off the request path
                // rather than drop a log entry.
                let tx = self.tx.clone();
                if let Ok(handle) = tokio::runtime::Handle::try_current() {
                    handle.spawn(async move {
                        let _ = tx.send(call).await;
                    });
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                tracing::error!("gateway access log writer stopped; call not logged");
            }
        }
    }
}
