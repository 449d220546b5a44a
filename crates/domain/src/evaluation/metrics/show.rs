//! A snapshot as people read it: Indonesian labels, `1.234` for thousands, `87,50 %` with a
//! decimal comma. Percentages are exact and rounded half-up once, when shown; the chart
//! series alone carry `f64`, for drawing.

use chrono::{Datelike, NaiveDate};

use super::{ChannelFigures, MetricScope, PlatformMetrics};
use crate::evaluation::Exact;

const MONTHS: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const SHORT_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"];
/// What a figure not yet measured shows, and one that cannot be computed (nothing to count).
const NOT_MEASURED: &str = "belum diukur";
const NONE: &str = "-";

/// A request channel's name for people: `web` → "Web", `open311` → "Open311"; a value this
/// version does not know is shown as stored.
pub fn channel_label(channel: &str) -> String {
    match channel {
        "web" => "Web".into(),
        "api" => "API".into(),
        "talas" => "Talas".into(),
        "open311" => "Open311".into(),
        other => other.into(),
    }
}

/// `1234567` → `1.234.567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    grouped
}

/// An exact percentage with two decimals, half-up, and a decimal comma: `87,50 %`.
pub(crate) fn percent(value: Exact) -> String {
    format!("{} %", value.to_fixed(2).replace('.', ","))
}

/// `31 Maret 2026`.
pub(crate) fn long_date(day: NaiveDate) -> String {
    format!("{} {} {}", day.day(), MONTHS[day.month0() as usize], day.year())
}

/// `31 Mar 2026`, for chart axes.
pub(crate) fn short_date(day: NaiveDate) -> String {
    format!("{} {} {}", day.day(), SHORT_MONTHS[day.month0() as usize], day.year())
}

/// `2.895 menit (2 hari 15 menit)`: the exact minutes, and the same in days and hours for
/// reading at a glance (zero parts left out).
pub(crate) fn duration(minutes: i64) -> String {
    let total = minutes.unsigned_abs();
    let exact = format!("{} menit", thousands(total));
    if total < 60 {
        return exact;
    }
    let parts: Vec<String> = [(total / 1_440, "hari"), (total % 1_440 / 60, "jam"), (total % 60, "menit")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    format!("{exact} ({})", parts.join(" "))
}

impl MetricScope {
    /// "Seluruh kota", "Perangkat daerah: Dinas … (DISDUKCAPIL)", "Layanan: … (KTP-EL)".
    pub fn label(&self) -> String {
        match self {
            Self::City => "Seluruh kota".into(),
            Self::Agency { code, name } => format!("Perangkat daerah: {name} ({code})"),
            Self::Service { code, name } => format!("Layanan: {name} ({code})"),
        }
    }
}

impl PlatformMetrics {
    /// "Metrik platform: Seluruh kota, 1 Januari 2026 s.d. 31 Maret 2026 (WIB)".
    pub fn title(&self) -> String {
        format!("Metrik platform: {}, {}", self.scope.label(), self.period())
    }

    fn period(&self) -> String {
        format!("{} s.d. {} (WIB)", long_date(self.from), long_date(self.to))
    }

    /// Every figure as `(label, value)` in Indonesian, in a fixed order so snapshots compare
    /// row by row. Figures that belong to no agency say "(seluruh kota)" in a narrower scope.
    pub fn table(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = Vec::new();
        let mut row = |label: String, value: String| rows.push((label, value));
        row("Cakupan".into(), self.scope.label());
        row("Periode".into(), self.period());
        for sample in &self.progress {
            let value = format!(
                "{} dari {} ({})",
                thousands(sample.integrated),
                thousands(sample.total),
                percent(sample.percent())
            );
            row(format!("Aplikasi terintegrasi per {}", long_date(sample.day)), value);
        }
        let total = |pick: fn(&ChannelFigures) -> u64| thousands(self.channels.iter().map(pick).sum());
        for c in &self.channels {
            row(format!("Permohonan masuk ({})", channel_label(&c.channel)), thousands(c.received));
        }
        row("Permohonan masuk (semua kanal)".into(), total(|c| c.received));
        for c in &self.channels {
            row(format!("Permohonan selesai ({})", channel_label(&c.channel)), thousands(c.completed));
        }
        row("Permohonan selesai (semua kanal)".into(), total(|c| c.completed));
        row("Median waktu penyelesaian".into(), self.median_completion_minutes.map_or_else(|| NONE.into(), duration));
        row("Selesai dengan tenggat SLA".into(), thousands(self.sla.with_deadline));
        row("Selesai tepat waktu".into(), thousands(self.sla.on_time));
        row("Kepatuhan SLA".into(), self.sla.percent().map_or_else(|| NONE.into(), percent));
        row("Responden survei kepuasan".into(), thousands(self.ikm.as_ref().map_or(0, |i| i.respondents)));
        let ikm = self.ikm.as_ref().map_or_else(
            || NONE.into(),
            |i| format!("{} (mutu {}, {})", i.score.replace('.', ","), i.grade, i.grade.performance()),
        );
        row("Indeks Kepuasan Masyarakat (IKM)".into(), ikm);
        let city_wide = if self.scope == MetricScope::City { "" } else { " (seluruh kota)" };
        row(format!("Pencarian layanan{city_wide}"), thousands(self.searches));
        row(format!("Percakapan Talas{city_wide}"), thousands(self.chat_conversations));
        row(format!("Pesan masuk ke Talas{city_wide}"), thousands(self.chat_messages));
        row("Ketersediaan (uptime)".into(), self.uptime.clone().unwrap_or_else(|| NOT_MEASURED.into()));
        rows
    }

    /// Chart series as `(name, points)`: integration progress in percent per sample day, and
    /// requests received per channel. `f64` for drawing only; read figures from
    /// [`Self::table`].
    pub fn series(&self) -> Vec<(String, Vec<(String, f64)>)> {
        let progress = self.progress.iter().map(|s| (short_date(s.day), s.percent().approx_f64())).collect();
        let received = self.channels.iter().map(|c| (channel_label(&c.channel), c.received as f64)).collect();
        vec![("Integrasi aplikasi (%)".into(), progress), ("Permohonan masuk per kanal".into(), received)]
    }
}
