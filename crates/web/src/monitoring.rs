//! Monitoring as people read it: the public status page, the admin view, the service
//! page's warning and Talas. The slow parts (uptime over the roll-ups, 90 daily bars per
//! application) are computed at most every [`HISTORY_TTL`] and shared by every page
//! render, so a thousand monitored applications cost one set of aggregate queries per half
//! minute, not one per visitor; current states at most every [`STATES_TTL`], incidents
//! fresh each time.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::monitoring::day_of;
use store::monitoring::{CheckRow, DayBar, Uptime};
use store::{Store, StoreError};

use crate::i18n::Tr;

/// How long computed history is reused. Roll-ups change by one check per interval (a
/// minute by default), so half a minute of lag changes no figure anyone acts on.
pub const HISTORY_TTL: Duration = Duration::from_secs(30);
/// How old the applications' current states on `/status` and `/admin/pantau` may be.
/// Reading a thousand rows took most of the admin page's time (p99 127 ms under load);
/// checks run a minute apart, so a few seconds' delay is not noticed.
pub const STATES_TTL: Duration = Duration::from_secs(3);
/// Days of bars on the status page.
pub const BAR_DAYS: i64 = 90;

/// Uptime and bars for every monitored application, by service id.
#[derive(Debug, Default)]
pub struct History {
    pub last_24h: HashMap<String, Uptime>,
    pub last_30d: HashMap<String, Uptime>,
    pub last_90d: HashMap<String, Uptime>,
    pub bars: HashMap<String, Vec<DayBar>>,
    /// The city day the bars end on (today).
    pub today: i64,
}

type Slot = Arc<std::sync::RwLock<Option<(Instant, Arc<History>)>>>;

#[derive(Default)]
pub struct HistoryCache {
    current: Slot,
    /// Held by the one computation running, so a thousand visitors never start a
    /// thousand.
    refreshing: Arc<tokio::sync::Mutex<()>>,
    /// The current states and when they were read ([`STATES_TTL`]).
    states: std::sync::RwLock<Option<(Instant, Arc<Vec<CheckRow>>)>>,
    /// Held by the one caller reading them.
    reading_states: tokio::sync::Mutex<()>,
}

async fn compute(store: &Store, now: i64) -> Result<Arc<History>, StoreError> {
    let today = day_of(now);
    let bars = store.day_bars(today - (BAR_DAYS - 1)).await?;
    let sum = |from_day: i64| -> HashMap<String, Uptime> {
        bars.iter()
            .map(|(id, days)| {
                let (ok, total) = days
                    .iter()
                    .filter(|d| d.day >= from_day)
                    .fold((0, 0), |(ok, total), d| (ok + d.ok, total + d.total));
                (id.clone(), Uptime { ok, total, response_ms_sum: 0 })
            })
            .collect()
    };
    Ok(Arc::new(History {
        last_24h: store.uptime_since_hour(now - 86_400).await?,
        last_30d: sum(today - 29),
        last_90d: sum(today - (BAR_DAYS - 1)),
        bars,
        today,
    }))
}

impl HistoryCache {
    fn cached(&self) -> Option<(Instant, Arc<History>)> {
        self.current.read().ok().and_then(|slot| slot.clone())
    }

    fn keep(slot: &Slot, history: Arc<History>) {
        if let Ok(mut slot) = slot.write() {
            *slot = Some((Instant::now(), history));
        }
    }

    /// Every monitored application and where it stands, at most [`STATES_TTL`] old; one
    /// caller reads them while the others wait for its result.
    pub async fn states(&self, store: &Store) -> Result<Arc<Vec<CheckRow>>, StoreError> {
        let fresh = || {
            self.states
                .read()
                .ok()
                .and_then(|slot| slot.clone())
                .filter(|(at, _)| at.elapsed() < STATES_TTL)
                .map(|(_, rows)| rows)
        };
        if let Some(rows) = fresh() {
            return Ok(rows);
        }
        let _reading = self.reading_states.lock().await;
        if let Some(rows) = fresh() {
            return Ok(rows);
        }
        let rows = Arc::new(store.check_rows().await?);
        if let Ok(mut slot) = self.states.write() {
            *slot = Some((Instant::now(), rows.clone()));
        }
        Ok(rows)
    }

    /// The history. Older than [`HISTORY_TTL`], it is still served while one background
    /// task computes the next (no visitor waits for the aggregates, and none sees a
    /// latency spike every half minute); only the first call, or the first of a new day,
    /// computes while the caller waits.
    pub async fn get(&self, store: &Store, now: i64) -> Result<Arc<History>, StoreError> {
        if let Some((at, history)) = self.cached()
            && history.today == day_of(now)
        {
            if at.elapsed() >= HISTORY_TTL
                && let Ok(guard) = self.refreshing.clone().try_lock_owned()
            {
                let (slot, store) = (self.current.clone(), store.clone());
                tokio::spawn(async move {
                    match compute(&store, now).await {
                        Ok(history) => Self::keep(&slot, history),
                        Err(e) => tracing::warn!(error = %e, "monitoring history not refreshed"),
                    }
                    drop(guard);
                });
            }
            return Ok(history);
        }
        let _guard = self.refreshing.lock().await;
        if let Some((_, history)) = self.cached()
            && history.today == day_of(now)
        {
            return Ok(history);
        }
        let history = compute(store, now).await?;
        Self::keep(&self.current, history.clone());
        Ok(history)
    }
}

/// "2 jam 5 menit", "3 hari 4 jam", "kurang dari 1 menit".
pub fn duration_label(t: Tr, secs: i64) -> String {
    let secs = secs.max(0);
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60);
    let parts: Vec<String> = if days > 0 {
        vec![t.with("monitor-days", "n", days), t.with("monitor-hours", "n", hours)]
    } else if hours > 0 {
        vec![t.with("monitor-hours", "n", hours), t.with("monitor-minutes", "n", minutes)]
    } else if minutes > 0 {
        vec![t.with("monitor-minutes", "n", minutes)]
    } else {
        return t.get("monitor-under-a-minute");
    };
    parts.into_iter().filter(|p| !p.starts_with('0')).collect::<Vec<_>>().join(" ")
}

/// A time in the city's clock, as the pages show it.
pub fn local_time(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0).map(crate::pages::local_time).unwrap_or_default()
}

/// A city day number as `dd-mm-yyyy`.
pub fn day_label(day: i64) -> String {
    chrono::DateTime::from_timestamp(day * 86_400, 0).map(|d| d.format("%d-%m-%Y").to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn durations_read_naturally() {
        let t = Lang::Id.tr();
        assert_eq!(duration_label(t, 30), "kurang dari 1 menit");
        assert_eq!(duration_label(t, 125 * 60), "2 jam 5 menit");
        assert_eq!(duration_label(t, 3 * 86_400 + 3_600), "3 hari 1 jam");
        assert_eq!(duration_label(t, 2 * 3_600), "2 jam");
        assert_eq!(day_label(day_of(1_767_286_800)), "02-01-2026");
    }
}
