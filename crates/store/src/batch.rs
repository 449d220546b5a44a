//! Group commit: writes that arrive together share one transaction.
//!
//! A database takes one writer at a time (SQLite) or a round trip per statement (both), so
//! a transaction per request caps how many requests a second can write. Jobs queue here;
//! one task per queue takes whatever has arrived (up to `max` jobs) and hands the batch to
//! a function that writes it with a fixed number of statements and answers each job
//! through its own reply channel. Alone, a job waits only for its own transaction.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use crate::{Store, StoreError};

/// A job and where its answer goes.
pub(crate) struct Job<J, R> {
    pub work: J,
    pub reply: oneshot::Sender<Result<R, StoreError>>,
}

/// A queue, shared by a store's clones; its task stops when they are all gone.
pub(crate) struct Queue<J, R>(Arc<OnceLock<mpsc::Sender<Job<J, R>>>>);

impl<J, R> Default for Queue<J, R> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<J, R> Clone for Queue<J, R> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<J, R> std::fmt::Debug for Queue<J, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Queue")
    }
}

impl<J: Send + 'static, R: Send + 'static> Queue<J, R> {
    /// Queues `work` and waits for its answer, starting the queue's task on first use.
    /// `write` gets the batch and must answer every job.
    pub(crate) async fn submit<F, Fut>(&self, store: &Store, max: usize, write: F, work: J) -> Result<R, StoreError>
    where
        F: Fn(Store, Vec<Job<J, R>>) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let sender = self.0.get_or_init(|| {
            let (tx, mut rx) = mpsc::channel::<Job<J, R>>(4 * max);
            // The task's store has queues of its own, so it does not keep this one alive.
            let store = store.detached();
            tokio::spawn(async move {
                let mut jobs = Vec::with_capacity(max);
                while rx.recv_many(&mut jobs, max).await > 0 {
                    write(store.clone(), std::mem::take(&mut jobs)).await;
                }
            });
            tx
        });
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Batch("the batch writer stopped".into());
        sender.send(Job { work, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Answers every job of a failed batch with the same error.
pub(crate) fn fail_all<J, R>(jobs: Vec<Job<J, R>>, error: &StoreError) {
    tracing::error!(%error, "batched write failed");
    let message = error.to_string();
    for job in jobs {
        let _ = job.reply.send(Err(StoreError::Batch(message.clone())));
    }
}
