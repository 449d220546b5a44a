//! The catalog change feed: one task watches the store's catalog revision and tells every
//! in-process reader (the read cache, the search index) when it moves.

use std::time::Duration;

use store::Store;
use tokio::sync::watch;

/// How often the revision is read. Changes made by another process (an import, a second
/// server) reach this one within this delay plus the refresh itself.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// Subscribe to learn the latest catalog revision.
#[derive(Clone)]
pub struct ChangeFeed {
    rx: watch::Receiver<i64>,
    poke: std::sync::Arc<tokio::sync::Notify>,
}

impl ChangeFeed {
    /// Starts watching (the task ends when every feed clone is dropped).
    pub fn start(store: Store, initial: i64) -> Self {
        let (tx, rx) = watch::channel(initial);
        let poke = std::sync::Arc::new(tokio::sync::Notify::new());
        let notify = poke.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = tokio::time::sleep(POLL_EVERY) => {}
                    () = notify.notified() => {}
                    () = tx.closed() => return,
                }
                match store.catalog_revision().await {
                    Ok(revision) => {
                        tx.send_if_modified(|seen| {
                            let moved = *seen != revision;
                            *seen = revision;
                            moved
                        });
                    }
                    Err(_) if store.is_closed() => return,
                    Err(e) => tracing::warn!(error = %e, "cannot read the catalog revision"),
                }
            }
        });
        Self { rx, poke }
    }

    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.rx.clone()
    }

    /// Checks the revision now (after a write made by this process).
    pub fn poke(&self) {
        self.poke.notify_one();
    }
}
