//! Health-check conditions in the spirit of Gatus: a condition is one line such as
//! `[STATUS] == 200`, `[RESPONSE_TIME] < 800`, `[BODY] contains "ok"`,
//! `[BODY].status == UP` or `[CERTIFICATE_EXPIRATION] > 14d`, so an IT office can carry
//! conditions over from a Gatus file and read them at a glance.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What a check saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observation {
    /// The HTTP status, `None` when no response came (refused, timed out, TLS failed).
    pub status: Option<u16>,
    pub response_ms: u64,
    /// The start of the body (checks read at most a bounded prefix).
    pub body: Vec<u8>,
    /// Whole days until the server certificate expires (negative once expired), for HTTPS.
    pub certificate_days: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Comparison {
    fn parse(op: &str) -> Option<Self> {
        Some(match op {
            "==" => Self::Eq,
            "!=" => Self::Ne,
            "<" => Self::Lt,
            "<=" => Self::Le,
            ">" => Self::Gt,
            ">=" => Self::Ge,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
        }
    }

    fn holds(self, left: i64, right: i64) -> bool {
        match self {
            Self::Eq => left == right,
            Self::Ne => left != right,
            Self::Lt => left < right,
            Self::Le => left <= right,
            Self::Gt => left > right,
            Self::Ge => left >= right,
        }
    }
}

/// One parsed condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    Status(Comparison, i64),
    /// Milliseconds.
    ResponseTime(Comparison, i64),
    BodyContains(String),
    /// A dotted path into a JSON body (`status`, `checks.0.state`) equal (or not) to a value,
    /// compared as text (`true`, `200`, `UP`).
    JsonPath {
        path: Vec<String>,
        equal: bool,
        value: String,
    },
    /// Days left on the certificate.
    CertificateDays(Comparison, i64),
}

/// Why a condition line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("syarat “{line}” tidak dikenal: {reason}")]
pub struct ConditionError {
    pub line: String,
    pub reason: &'static str,
}

fn number(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// Days from `14d`, `48h` (rounded down to whole days) or a bare number of days.
fn days(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(d) = text.strip_suffix('d') {
        number(d)
    } else if let Some(h) = text.strip_suffix('h') {
        number(h).map(|h| h / 24)
    } else {
        number(text)
    }
}

fn unquote(text: &str) -> String {
    let text = text.trim();
    text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text).to_owned()
}

impl Condition {
    /// Parses one line.
    pub fn parse(line: &str) -> Result<Self, ConditionError> {
        let fail = |reason| ConditionError { line: line.trim().to_owned(), reason };
        let text = line.trim();
        let Some(rest) = text.strip_prefix('[') else {
            return Err(fail("harus diawali [STATUS], [RESPONSE_TIME], [BODY] atau [CERTIFICATE_EXPIRATION]"));
        };
        let (placeholder, rest) = rest.split_once(']').ok_or_else(|| fail("kurung ] tidak ditutup"))?;
        if placeholder == "BODY" {
            if let Some(needle) = rest.trim().strip_prefix("contains ") {
                let needle = unquote(needle);
                return if needle.is_empty() {
                    Err(fail("teks yang dicari kosong"))
                } else {
                    Ok(Self::BodyContains(needle))
                };
            }
            if let Some(path) = rest.strip_prefix('.') {
                let (path, equal, value) = if let Some((p, v)) = path.split_once("!=") {
                    (p, false, v)
                } else if let Some((p, v)) = path.split_once("==") {
                    (p, true, v)
                } else {
                    return Err(fail("jalur JSON perlu == atau !="));
                };
                let path: Vec<String> = path.trim().split('.').map(str::to_owned).collect();
                if path.iter().any(String::is_empty) {
                    return Err(fail("jalur JSON kosong"));
                }
                return Ok(Self::JsonPath { path, equal, value: unquote(value) });
            }
            return Err(fail("[BODY] perlu `contains \"teks\"` atau `.jalur == nilai`"));
        }
        let mut parts = rest.split_whitespace();
        let (Some(op), Some(value), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(fail("bentuknya [NAMA] operator nilai"));
        };
        let op = Comparison::parse(op).ok_or_else(|| fail("operator harus ==, !=, <, <=, > atau >="))?;
        match placeholder {
            "STATUS" => number(value).map(|v| Self::Status(op, v)).ok_or_else(|| fail("kode status harus angka")),
            "RESPONSE_TIME" => number(value.trim_end_matches("ms"))
                .map(|v| Self::ResponseTime(op, v))
                .ok_or_else(|| fail("waktu dalam milidetik")),
            "CERTIFICATE_EXPIRATION" => days(value)
                .map(|v| Self::CertificateDays(op, v))
                .ok_or_else(|| fail("masa berlaku seperti 14d atau 48h")),
            _ => Err(fail("nama tidak dikenal")),
        }
    }

    /// Whether the observation meets the condition. With no response, every condition fails
    /// (a page that does not answer is down, whatever the conditions say).
    pub fn holds(&self, seen: &Observation) -> bool {
        let Some(status) = seen.status else { return false };
        match self {
            Self::Status(op, v) => op.holds(i64::from(status), *v),
            Self::ResponseTime(op, v) => op.holds(i64::try_from(seen.response_ms).unwrap_or(i64::MAX), *v),
            Self::BodyContains(needle) => String::from_utf8_lossy(&seen.body).contains(needle.as_str()),
            Self::JsonPath { path, equal, value } => {
                let found = serde_json::from_slice::<serde_json::Value>(&seen.body).ok().and_then(|json| {
                    let mut at = &json;
                    for key in path {
                        at = match at {
                            serde_json::Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
                            other => other.get(key)?,
                        };
                    }
                    Some(match at {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                });
                (found.as_deref() == Some(value.as_str())) == *equal
            }
            Self::CertificateDays(op, v) => seen.certificate_days.is_some_and(|d| op.holds(d, *v)),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Status(op, v) => write!(f, "[STATUS] {} {v}", op.as_str()),
            Self::ResponseTime(op, v) => write!(f, "[RESPONSE_TIME] {} {v}", op.as_str()),
            Self::BodyContains(needle) => write!(f, "[BODY] contains \"{needle}\""),
            Self::JsonPath { path, equal, value } => {
                write!(f, "[BODY].{} {} {value}", path.join("."), if *equal { "==" } else { "!=" })
            }
            Self::CertificateDays(op, v) => write!(f, "[CERTIFICATE_EXPIRATION] {} {v}d", op.as_str()),
        }
    }
}

/// The conditions a check starts with when none are given: any non-error status within
/// three seconds, and for HTTPS a certificate with at least two weeks left.
pub fn default_conditions(https: bool) -> Vec<Condition> {
    let mut list = vec![Condition::Status(Comparison::Lt, 400), Condition::ResponseTime(Comparison::Lt, 3_000)];
    if https {
        list.push(Condition::CertificateDays(Comparison::Gt, 14));
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(status: u16, ms: u64, body: &str, days: Option<i64>) -> Observation {
        Observation { status: Some(status), response_ms: ms, body: body.as_bytes().to_vec(), certificate_days: days }
    }

    #[test]
    fn gatus_lines_parse_and_print_back() {
        for line in [
            "[STATUS] == 200",
            "[STATUS] < 400",
            "[RESPONSE_TIME] <= 800",
            "[BODY] contains \"ok\"",
            "[BODY].status == UP",
            "[BODY].checks.0.healthy != false",
            "[CERTIFICATE_EXPIRATION] > 14d",
        ] {
            let condition = Condition::parse(line).unwrap();
            assert_eq!(condition.to_string(), line);
            assert_eq!(Condition::parse(&condition.to_string()).unwrap(), condition);
        }
        assert_eq!(
            Condition::parse("[CERTIFICATE_EXPIRATION] > 48h").unwrap(),
            Condition::CertificateDays(Comparison::Gt, 2)
        );
        assert_eq!(Condition::parse("[RESPONSE_TIME] < 500ms").unwrap(), Condition::ResponseTime(Comparison::Lt, 500));
        for bad in [
            "STATUS == 200",
            "[STATUS] = 200",
            "[STATUS] == dua",
            "[UPTIME] > 1",
            "[BODY] == x",
            "[BODY]. == 1",
            "[STATUS] == 200 x",
        ] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn conditions_judge_what_was_seen() {
        let ok = seen(200, 120, r#"{"status":"UP","checks":[{"healthy":true}]}"#, Some(30));
        for line in [
            "[STATUS] == 200",
            "[RESPONSE_TIME] < 500",
            "[BODY] contains \"UP\"",
            "[BODY].status == UP",
            "[BODY].checks.0.healthy == true",
            "[CERTIFICATE_EXPIRATION] > 14d",
        ] {
            assert!(Condition::parse(line).unwrap().holds(&ok), "{line}");
        }
        let slow = seen(503, 4_000, "maintenance", Some(3));
        for line in
            ["[STATUS] < 400", "[RESPONSE_TIME] < 3000", "[BODY].status == UP", "[CERTIFICATE_EXPIRATION] > 14d"]
        {
            assert!(!Condition::parse(line).unwrap().holds(&slow), "{line}");
        }
        let nothing = Observation { status: None, ..Observation::default() };
        assert!(!Condition::parse("[STATUS] != 200").unwrap().holds(&nothing), "no answer is never healthy");
        assert!(!Condition::parse("[CERTIFICATE_EXPIRATION] > 1d").unwrap().holds(&seen(200, 1, "", None)));
        assert_eq!(default_conditions(true).len(), 3);
    }
}
