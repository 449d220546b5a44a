//! A circuit breaker per application: after `threshold` failures in a row (no answer, a
//! timeout, or a 502/503/504 from the application) calls fail fast for `cooldown`, then one
//! trial call goes through; its success closes the circuit, its failure opens it again.
//! Failing fast keeps callers from piling up on an application that is down and gives it
//! room to recover. Like the rate limits, the state is per process.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// One trial call is out since `since`.
    HalfOpen {
        since: Instant,
    },
}

#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
    threshold: u32,
    cooldown: Duration,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Self { state: Mutex::new(State::Closed { failures: 0 }), threshold: threshold.max(1), cooldown }
    }

    /// Whether a call may go now; `Err(wait)` while the circuit is open.
    pub fn admit(&self, now: Instant) -> Result<(), Duration> {
        let Ok(mut state) = self.state.lock() else { return Ok(()) };
        match *state {
            State::Closed { .. } => Ok(()),
            State::Open { until } if now >= until => {
                *state = State::HalfOpen { since: now };
                Ok(())
            }
            State::Open { until } => Err(until - now),
            // A trial whose caller went away never reports; after a cooldown, try another.
            State::HalfOpen { since } if now.duration_since(since) >= self.cooldown => {
                *state = State::HalfOpen { since: now };
                Ok(())
            }
            State::HalfOpen { .. } => Err(self.cooldown),
        }
    }

    /// Reports how a call that was admitted went.
    pub fn record(&self, ok: bool, now: Instant) {
        let Ok(mut state) = self.state.lock() else { return };
        *state = match (*state, ok) {
            (_, true) => State::Closed { failures: 0 },
            (State::Closed { failures }, false) if failures + 1 < self.threshold => {
                State::Closed { failures: failures + 1 }
            }
            (State::Open { until }, false) => State::Open { until },
            (_, false) => {
                tracing::warn!(cooldown_ms = self.cooldown.as_millis() as u64, "gateway circuit opened");
                State::Open { until: now + self.cooldown }
            }
        };
    }

    /// Whether calls are being refused now (for metrics).
    pub fn is_open(&self) -> bool {
        self.state.lock().map(|s| matches!(*s, State::Open { .. })).unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_failures_and_closes_after_a_good_trial() {
        let b = Breaker::new(3, Duration::from_secs(10));
        let t0 = Instant::now();
        for _ in 0..2 {
            b.admit(t0).unwrap();
            b.record(false, t0);
        }
        b.admit(t0).unwrap();
        b.record(true, t0);
        for _ in 0..3 {
            b.admit(t0).unwrap();
            b.record(false, t0);
        }
        assert!(b.admit(t0 + Duration::from_secs(1)).is_err(), "open");
        let later = t0 + Duration::from_secs(10);
        b.admit(later).unwrap();
        assert!(b.admit(later).is_err(), "one trial at a time");
        b.record(false, later);
        assert!(b.admit(later + Duration::from_secs(1)).is_err(), "a failed trial opens it again");
        let again = later + Duration::from_secs(10);
        b.admit(again).unwrap();
        b.record(true, again);
        assert!(b.admit(again).is_ok() && b.admit(again).is_ok(), "closed");
    }
}
