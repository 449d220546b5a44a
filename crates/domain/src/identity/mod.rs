//! Identity rules: what a person's account is made of and how its parts are checked.
//!
//! Pure parsing and checking (NIK structure, phone numbers in E.164, e-mail addresses,
//! roles, PKCE S256); storage, hashing and sessions live elsewhere.

mod email;
mod nik;
mod phone;
mod pkce;
mod role;

pub use email::{Email, EmailError};
pub use nik::{Nik, NikError, Sex};
pub use phone::{Phone, PhoneError};
pub use pkce::{PkceError, challenge_s256, verify_s256};
pub use role::Role;
