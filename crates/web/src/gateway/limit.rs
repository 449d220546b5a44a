//! Per-consumer rate limits: a token bucket per consumer holding a minute's allowance, so a
//! consumer may burst up to its per-minute rate and then gets one call per 60/rate seconds.
//!
//! The buckets live in this process: with several satupintu processes behind a balancer,
//! each allows the full rate (the limit is per process, as documented).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets are forgotten once this many consumers were seen (full buckets first).
const MAX_BUCKETS: usize = 100_000;

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// Takes a call from `consumer`'s bucket; `Err(wait)` when it is empty.
    pub fn take(&self, consumer: &str, per_minute: u32, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(per_minute.max(1));
        let per_second = capacity / 60.0;
        let Ok(mut buckets) = self.buckets.lock() else {
            // A poisoned lock means a panic elsewhere; limiting nobody beats failing everyone.
            return Ok(());
        };
        if !buckets.contains_key(consumer) {
            if buckets.len() >= MAX_BUCKETS {
                buckets.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(60));
            }
            // The key is copied only for a new consumer, not on every call.
            buckets.insert(consumer.to_string(), Bucket { tokens: capacity, at: now });
        }
        let Some(bucket) = buckets.get_mut(consumer) else { return Ok(()) };
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_to_the_rate_then_refills() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take("a", 3, t0).is_ok());
        }
        let wait = limiter.take("a", 3, t0).unwrap_err();
        assert!(wait > Duration::from_secs(19) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limiter.take("b", 3, t0).is_ok(), "consumers do not share a bucket");
        assert!(limiter.take("a", 3, t0 + Duration::from_secs(20)).is_ok());
        assert!(limiter.take("a", 3, t0 + Duration::from_secs(20)).is_err());
    }
}
