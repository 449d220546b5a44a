//! The demo city's monitoring: three months of plausible daily uptime for every integrated
//! application with a web URL, a few past incidents, and one application down now, so the
//! status page, the admin view, the service page's warning and Talas have something to
//! show. The checks are paused: a demo server never calls the city's real sites.

use domain::monitoring::{CheckSpec, day_of};
use store::Store;
use store::monitoring::{DayBar, SeedIncident};

use crate::demo::spread;

/// The application shown as down in the demo (the first monitored one by code).
const DOWN_INDEX: usize = 0;

pub async fn load(store: &Store, now: i64) -> anyhow::Result<()> {
    store.sync_default_checks(now).await?;
    let today = day_of(now);
    for (n, check) in store.check_settings().await?.into_iter().enumerate() {
        let spec = CheckSpec::build(&check.url, None, None, &[], false).map_err(|e| anyhow::anyhow!("{e}"))?;
        let mut days = Vec::new();
        let mut incidents = Vec::new();
        for back in 0..90 {
            let day = today - back;
            let roll = spread(&check.code, u64::try_from(day).unwrap_or(0)) % 100;
            // Most days are clean; a few lose minutes, fewer lose hours.
            let failed = match roll {
                0..=2 => 30 + roll * 60,
                3..=7 => roll * 2,
                _ => 0,
            };
            let total = if back == 0 { 600 } else { 1_440 };
            days.push(DayBar { day, ok: total - failed.min(total), total });
            if failed >= 10 {
                let opened = (day * 86_400) - domain::monitoring::CITY_UTC_OFFSET_SECS + 9 * 3_600;
                let closed = opened + i64::try_from(failed).unwrap_or(0) * 60;
                if closed < now {
                    incidents.push(SeedIncident {
                        opened_at: opened,
                        closed_at: Some(closed),
                        cause: "batas waktu habis".into(),
                    });
                }
            }
        }
        if n == DOWN_INDEX {
            incidents.push(SeedIncident {
                opened_at: now - 2 * 3_600,
                closed_at: None,
                cause: "tidak terpenuhi: [STATUS] < 400 (status 503)".into(),
            });
        }
        store.seed_health(&check.code, &spec, &days, &incidents, now).await?;
    }
    Ok(())
}
