//! Accounts in the web layer: password hashing, sessions, the signed-in person.

pub mod caller;
pub mod limit;
pub mod mail;
pub mod password;
pub mod roles;
pub mod seal;
pub mod session;

pub use session::{CurrentUser, SESSION_COOKIE};
