//! Who a person is to the platform.

use serde::{Deserialize, Serialize};

use crate::catalog::enums::vocabulary;

vocabulary!(
    /// A role grants capabilities; an operator's are also scoped to agencies.
    Role {
        /// A resident (the default for a new account).
        Warga = "warga",
        /// Staff of one or more agencies.
        Operator = "operator",
        /// The city's IT office.
        Admin = "admin",
        /// Internal or national assessors.
        Asesor = "asesor",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse() {
        assert_eq!(Role::parse("ADMIN"), Ok(Role::Admin));
        assert!(Role::parse("root").is_err());
        assert_eq!(Role::ALL.len(), 4);
    }
}
