/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The requested record does not exist.
    #[error("not found")]
    NotFound,
    /// The database URL names a backend satupintu does not speak.
    #[error("unsupported database URL scheme '{0}': use sqlite:// or postgres://")]
    UnsupportedUrl(String),
    /// A stored value no longer parses (edited by hand, or a bug).
    #[error("corrupt stored value in {column}: {reason}")]
    Corrupt { column: &'static str, reason: String },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A unique value (named) is already taken; the caller may retry with another.
    #[error("{0} already taken")]
    Taken(&'static str),
    /// A write batched with others failed (the database error's message, shared by all).
    #[error("database: {0}")]
    Batch(String),
    #[error("data folder: {0}")]
    Io(#[from] std::io::Error),
}

pub(crate) fn corrupt(column: &'static str, reason: impl ToString) -> StoreError {
    StoreError::Corrupt { column, reason: reason.to_string() }
}
