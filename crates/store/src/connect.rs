//! Opening the database: backend choice, SQLite tuning, pool size.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

use crate::StoreError;

/// Which SQL engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL scheme; anything else is an error, never a new file.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        let scheme = url.split_once(':').map_or(url, |(s, _)| s);
        match scheme {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            other => Err(StoreError::UnsupportedUrl(other.to_string())),
        }
    }

    /// `VALUES` rows for a multi-row insert of `rows` rows of `per_row` values. SQLite gets
    /// anonymous `?` parameters: it finds a `$N` parameter's name by walking a list as
    /// long as the statement's parameters, and sqlx asks for every one it binds, so `$N`
    /// binding grows with the square of a statement's parameters (the gateway log's 500
    /// rows of 13 spent about 40 µs a row in that walk alone).
    pub(crate) fn value_rows(self, rows: usize, per_row: usize) -> String {
        match self {
            Self::Sqlite => {
                let row = format!("({})", vec!["?"; per_row].join(", "));
                vec![row; rows].join(", ")
            }
            Self::Postgres => crate::rows::value_rows(rows, per_row),
        }
    }

    /// A collation clause that sorts by bytes, so both backends list in the same order
    /// whatever PostgreSQL's locale is.
    pub(crate) fn binary_collation(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " COLLATE \"C\"",
        }
    }
}

/// The handle every other part of satupintu uses to reach the database.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time: writers of this process queue here, in order,
    /// instead of polling the file lock (SQLite's busy handler sleeps up to 100 ms a try,
    /// which made the tail latency of concurrent writes hundreds of milliseconds).
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The refresh-token rotation queue, started on first use.
    pub(crate) refresh_queue: crate::oidc::refresh::Queue,
    /// The request submission queue, started on first use.
    pub(crate) submit_queue: crate::requests::submit::Queue,
    pub(crate) turn_queue: crate::assistant::Queue,
}

/// A write transaction; on SQLite it also holds this process's writer turn until it
/// commits or is dropped (rolled back). Derefs to the connection, like a transaction.
pub(crate) struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    pub(crate) async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`). A SQLite file is created if
    /// missing; migrations are not run (see [`Store::migrate`]).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options: AnyConnectOptions = url.parse()?;
        let pool_options = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        let pool = match backend {
            Backend::Sqlite => {
                pool_options
                    .max_connections(8)
                    .after_connect(|conn, _meta| {
                        Box::pin(async move {
                            // WAL lets readers run beside the writer; NORMAL is durable at
                            // checkpoints, which is what WAL is designed for; the busy
                            // timeout turns write contention into waiting, not errors.
                            conn.execute("PRAGMA journal_mode = WAL").await?;
                            conn.execute("PRAGMA synchronous = NORMAL").await?;
                            conn.execute("PRAGMA busy_timeout = 5000").await?;
                            conn.execute("PRAGMA foreign_keys = ON").await?;
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => pool_options.max_connections(16).connect_with(options).await?,
        };
        Ok(Self {
            pool,
            backend,
            writer: Arc::default(),
            refresh_queue: Default::default(),
            submit_queue: Default::default(),
            turn_queue: Default::default(),
        })
    }

    /// Opens (creating if needed) the embedded SQLite database in a data folder.
    pub async fn open_data_dir(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        let file = data_dir.join("satupintu.sqlite3");
        Self::connect(&format!("sqlite://{}", file.display())).await
    }

    /// This store with a queue of its own, for a background writer that must not keep
    /// the original queue's sender alive.
    pub(crate) fn detached(&self) -> Self {
        Self {
            refresh_queue: Default::default(),
            submit_queue: Default::default(),
            turn_queue: Default::default(),
            ..self.clone()
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first cannot upgrade to a
    /// writer once another connection has committed, and fails with "database is locked"
    /// instead of waiting its turn under `busy_timeout`.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.writer.clone().lock_owned().await;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx { tx, _turn: Some(turn) })
            }
            Backend::Postgres => Ok(WriteTx { tx: self.pool.begin().await?, _turn: None }),
        }
    }

    /// Checks the database answers; used by `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Whether [`Store::close`] was called.
    pub fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_from_scheme() {
        assert_eq!(Backend::from_url("sqlite://x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgres://u@h/db").ok(), Some(Backend::Postgres));
        assert_eq!(Backend::from_url("postgresql://u@h/db").ok(), Some(Backend::Postgres));
        assert!(matches!(
            Backend::from_url("mysql://h/db"),
            Err(StoreError::UnsupportedUrl(s)) if s == "mysql"
        ));
        assert!(Backend::from_url("satupintu.db").is_err());
    }

    #[test]
    fn multi_row_values_per_backend() {
        assert_eq!(Backend::Sqlite.value_rows(2, 3), "(?, ?, ?), (?, ?, ?)");
        assert_eq!(Backend::Postgres.value_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
