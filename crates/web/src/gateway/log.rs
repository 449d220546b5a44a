//! The access log writer: calls are queued without waiting and written in batches, one
//! transaction per batch (at most one per [`LINGER`]), so logging every call costs the
//! proxy a channel send, not a database round trip. The queue is unbounded: an entry is
//! never dropped for lack of room (a bounded queue would have to drop or park a task per
//! entry); while the database is slower than the traffic it grows, which
//! `gateway_log_queued` shows. Entries queued when
//! the process stops abruptly are lost; the chain stays intact because each batch is
//! chained inside its own transaction.

use std::time::Duration;

use domain::gateway_log::Call as LoggedCall;
use store::Store;
use tokio::sync::mpsc;

/// Calls per transaction at most.
const MAX_BATCH: usize = 5_000;
/// How long the writer gathers calls after the first of a batch: one transaction per
/// tenth of a second, whatever the traffic (writing whatever had queued at each wake-up
/// made thousands of small transactions a second under load, about 20 µs a call).
const LINGER: Duration = Duration::from_millis(100);

#[derive(Clone)]
pub struct AccessLog {
    tx: mpsc::UnboundedSender<LoggedCall>,
}

impl AccessLog {
    /// Starts the writer (inside a Tokio runtime); it stops when every handle is gone.
    pub fn start(store: Store) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<LoggedCall>();
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MAX_BATCH);
            while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
                if batch.len() < MAX_BATCH {
                    tokio::time::sleep(LINGER).await;
                    while batch.len() < MAX_BATCH {
                        let Ok(call) = rx.try_recv() else { break };
                        batch.push(call);
                    }
                }
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
                metrics::gauge!("gateway_log_queued").set(rx.len() as f64);
            }
        });
        Self { tx }
    }

    /// Queues a finished call; never waits.
    pub fn record(&self, call: LoggedCall) {
        if self.tx.send(call).is_err() {
            tracing::error!("gateway access log writer stopped; call not logged");
        }
    }
}
