//! A check as an IT office declares it: where, how often, how long to wait, what must hold.
//! Declared on the command line or in a file imported with the catalog; anything unset
//! takes the defaults made from the application's web URL.

use serde::{Deserialize, Serialize};

use super::condition::{Condition, default_conditions};

/// The shortest interval accepted: more often than every 10 seconds is load on the
/// application, not monitoring.
pub const MIN_INTERVAL_SECS: u64 = 10;
/// A day: a check that runs less often than daily says nothing about a day's uptime.
pub const MAX_INTERVAL_SECS: u64 = 86_400;
pub const DEFAULT_INTERVAL_SECS: u64 = 60;
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;
const MAX_TIMEOUT_MS: u64 = 60_000;

/// A validated check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckSpec {
    pub url: String,
    pub interval_secs: u64,
    pub timeout_ms: u64,
    pub conditions: Vec<Condition>,
    pub enabled: bool,
}

/// Why a check was refused (shown to the person who typed it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("alamat harus diawali http:// atau https:// dan menyebut nama host: {0}")]
    Url(String),
    #[error("selang pemeriksaan {0} detik di luar batas 10–86400")]
    Interval(u64),
    #[error("batas waktu {0} ms di luar batas 100–60000")]
    Timeout(u64),
    #[error("batas waktu {timeout_ms} ms harus lebih pendek dari selang {interval_secs} detik")]
    TimeoutPastInterval { timeout_ms: u64, interval_secs: u64 },
    #[error(transparent)]
    Condition(#[from] super::condition::ConditionError),
}

/// Whether `url` is one a check can call: http(s) with a host, nothing else.
pub fn valid_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !r.chars().any(char::is_whitespace)
    })
}

impl CheckSpec {
    /// The check an application gets from its web URL alone.
    pub fn default_for(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            interval_secs: DEFAULT_INTERVAL_SECS,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            conditions: default_conditions(url.starts_with("https://")),
            enabled: true,
        }
    }

    /// Builds a check from what was given, the rest from defaults for `url`.
    pub fn build(
        url: &str,
        interval_secs: Option<u64>,
        timeout_ms: Option<u64>,
        conditions: &[String],
        enabled: bool,
    ) -> Result<Self, SpecError> {
        let url = url.trim();
        if !valid_url(url) {
            return Err(SpecError::Url(url.to_owned()));
        }
        let mut spec = Self::default_for(url);
        spec.enabled = enabled;
        if let Some(interval) = interval_secs {
            if !(MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(&interval) {
                return Err(SpecError::Interval(interval));
            }
            spec.interval_secs = interval;
        }
        if let Some(timeout) = timeout_ms {
            if !(100..=MAX_TIMEOUT_MS).contains(&timeout) {
                return Err(SpecError::Timeout(timeout));
            }
            spec.timeout_ms = timeout;
        }
        // A check still running when the next is due would pile up behind itself.
        if spec.timeout_ms >= spec.interval_secs * 1_000 {
            return Err(SpecError::TimeoutPastInterval {
                timeout_ms: spec.timeout_ms,
                interval_secs: spec.interval_secs,
            });
        }
        if !conditions.is_empty() {
            spec.conditions = conditions.iter().map(|c| Condition::parse(c)).collect::<Result<_, _>>()?;
        }
        Ok(spec)
    }

    /// The conditions as the lines they were written in (how they are stored).
    pub fn condition_lines(&self) -> Vec<String> {
        self.conditions.iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_web_url() {
        let spec = CheckSpec::build("https://sipd.kotabogor.go.id/", None, None, &[], true).unwrap();
        assert_eq!((spec.interval_secs, spec.timeout_ms, spec.conditions.len()), (60, 10_000, 3));
        assert_eq!(CheckSpec::default_for("http://x.test").conditions.len(), 2, "no certificate on plain http");
        let lines = ["[STATUS] == 200".to_string(), "[BODY] contains \"ok\"".to_string()];
        let custom = CheckSpec::build("http://x.test/health", Some(30), Some(2_000), &lines, false).unwrap();
        assert_eq!(custom.condition_lines(), lines);
        assert!(!custom.enabled);
    }

    #[test]
    fn bad_checks_are_refused() {
        assert!(matches!(CheckSpec::build("ftp://x", None, None, &[], true), Err(SpecError::Url(_))));
        assert!(matches!(CheckSpec::build("https://", None, None, &[], true), Err(SpecError::Url(_))));
        assert!(matches!(CheckSpec::build("http://x", Some(5), None, &[], true), Err(SpecError::Interval(5))));
        assert!(matches!(CheckSpec::build("http://x", None, Some(10), &[], true), Err(SpecError::Timeout(10))));
        assert!(matches!(
            CheckSpec::build("http://x", Some(10), Some(10_000), &[], true),
            Err(SpecError::TimeoutPastInterval { .. })
        ));
        let bad = ["[STATUS] = 200".to_string()];
        assert!(matches!(CheckSpec::build("http://x", None, None, &bad, true), Err(SpecError::Condition(_))));
    }
}
