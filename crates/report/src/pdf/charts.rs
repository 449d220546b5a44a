//! Charts drawn with plotters as SVG, which typst embeds as vector images.
//!
//! Labels are SVG `<text>` set in the report's own font (typst resolves it from the fonts
//! built into the binary); plotters escapes the text, so any label is safe.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::{GroupScore, Kpi, MetricSnapshot, ReportError};

/// The body font of the template, so charts match the text around them.
const FONT: &str = "Libertinus Serif";
const SELF_COLOR: RGBColor = RGBColor(54, 110, 180);
const FINAL_COLOR: RGBColor = RGBColor(222, 120, 30);
/// Colours of a metric's lines, in order; repeats after the last.
const LINE_COLORS: [RGBColor; 6] = [
    RGBColor(54, 110, 180),
    RGBColor(222, 120, 30),
    RGBColor(60, 150, 80),
    RGBColor(190, 50, 60),
    RGBColor(120, 90, 170),
    RGBColor(110, 110, 110),
];
/// Axis labels longer than this are cut; the tables beside the charts carry the full text.
const LABEL_CHARS: usize = 14;

/// An SVG file for typst's virtual file system.
pub(super) struct Chart {
    pub path: String,
    pub svg: String,
}

fn chart_error(error: impl std::fmt::Display) -> ReportError {
    ReportError::Chart(error.to_string())
}

fn label(text: &str) -> String {
    if text.chars().count() <= LABEL_CHARS {
        text.to_string()
    } else {
        let head: String = text.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", head.trim_end())
    }
}

/// Size and label font of a chart, in SVG pixels. typst scales the SVG to the width it is
/// shown at, so a chart shown at half the page width needs larger text.
#[derive(Clone, Copy)]
struct Frame {
    width: u32,
    height: u32,
    font: u32,
}

const FULL_WIDTH: Frame = Frame { width: 900, height: 360, font: 15 };
const HALF_WIDTH: Frame = Frame { width: 600, height: 280, font: 20 };

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
enum Key {
    Bar(RGBColor),
    Line(RGBColor),
}

type Plot<'a> = ChartContext<'a, SVGBackend<'a>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;
type Root<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Self-assessed and final value of every group side by side on the 0–5 scale; `None`
/// when no group has a value yet.
pub(super) fn groups(groups: &[GroupScore]) -> Result<Option<Chart>, ReportError> {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    if groups.iter().all(|g| finite(g.self_value).is_none() && finite(g.final_value).is_none()) {
        return Ok(None);
    }
    let frame = FULL_WIDTH;
    let codes: Vec<String> = groups.iter().map(|g| label(&g.code)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (frame.width, frame.height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = plot(&root, frame, 0f64..groups.len() as f64, 0f64..5f64)?;
        let positions: Vec<(f64, &str)> =
            codes.iter().enumerate().map(|(i, code)| (i as f64 + 0.5, code.as_str())).collect();
        category_labels(&root, &chart, frame, &positions)?;
        let bar = |i: usize, left: f64, value: f64, color: RGBColor| {
            let x = i as f64 + left;
            Rectangle::new([(x, 0.0), (x + 0.38, value.clamp(0.0, 5.0))], color.filled())
        };
        let selfs =
            groups.iter().enumerate().filter_map(|(i, g)| finite(g.self_value).map(|v| bar(i, 0.1, v, SELF_COLOR)));
        chart.draw_series(selfs).map_err(chart_error)?;
        let finals =
            groups.iter().enumerate().filter_map(|(i, g)| finite(g.final_value).map(|v| bar(i, 0.52, v, FINAL_COLOR)));
        chart.draw_series(finals).map_err(chart_error)?;
        legend(&root, frame, &[("Mandiri", Key::Bar(SELF_COLOR)), ("Akhir", Key::Bar(FINAL_COLOR))])?;
        root.present().map_err(chart_error)?;
    }
    Ok(Some(Chart { path: "/charts/groups.svg".into(), svg }))
}

/// A KPI's measured points as a line; `None` below two points (one point is a table row,
/// not a trend).
pub(super) fn kpi(kpi: &Kpi, path: &str) -> Result<Option<Chart>, ReportError> {
    if kpi.points.len() < 2 {
        return Ok(None);
    }
    let x_labels: Vec<String> = kpi.points.iter().map(|p| p.date.clone()).collect();
    let values: Vec<Option<f64>> = kpi.points.iter().map(|p| Some(p.value)).collect();
    // The KPI's name is the figure's caption, so no legend.
    let svg = lines(&x_labels, &[(String::new(), values)], HALF_WIDTH, false)?;
    Ok(Some(Chart { path: path.to_string(), svg }))
}

/// A metric's series as lines over the union of their x labels (in first-seen order);
/// `None` when there is no point at all.
pub(super) fn metric(metric: &MetricSnapshot, path: &str) -> Result<Option<Chart>, ReportError> {
    let mut x_labels: Vec<String> = Vec::new();
    for (x, _) in metric.series.iter().flat_map(|s| &s.points) {
        if !x_labels.contains(x) {
            x_labels.push(x.clone());
        }
    }
    if x_labels.is_empty() {
        return Ok(None);
    }
    let series: Vec<(String, Vec<Option<f64>>)> = metric
        .series
        .iter()
        .map(|s| {
            let values = x_labels.iter().map(|x| s.points.iter().find(|(px, _)| px == x).map(|(_, y)| *y)).collect();
            (s.name.clone(), values)
        })
        .collect();
    let svg = lines(&x_labels, &series, FULL_WIDTH, true)?;
    Ok(Some(Chart { path: path.to_string(), svg }))
}

type Lines = [(String, Vec<Option<f64>>)];

/// Lines over categorical x positions; y spans the data with a margin.
fn lines(x_labels: &[String], series: &Lines, frame: Frame, with_legend: bool) -> Result<String, ReportError> {
    // Non-finite values (a NaN from a division by zero upstream) are not drawn.
    let finite = |v: &Option<f64>| v.filter(|y| y.is_finite());
    let ys = series.iter().flat_map(|(_, values)| values.iter().filter_map(finite));
    let (low, high) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), y| (lo.min(y), hi.max(y)));
    let (low, high) = if low > high {
        (0.0, 1.0)
    } else {
        let pad = if high > low { (high - low) * 0.1 } else { low.abs().max(1.0) * 0.1 };
        (low - pad, high + pad)
    };
    let shown: Vec<String> = x_labels.iter().map(|x| label(x)).collect();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (frame.width, frame.height)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = plot(&root, frame, -0.5f64..shown.len() as f64 - 0.5, low..high)?;
        let positions: Vec<(f64, &str)> = shown.iter().enumerate().map(|(i, x)| (i as f64, x.as_str())).collect();
        category_labels(&root, &chart, frame, &positions)?;
        let mut keys = Vec::new();
        for (s, (name, values)) in series.iter().enumerate() {
            let color = LINE_COLORS[s % LINE_COLORS.len()];
            let points: Vec<(f64, f64)> =
                values.iter().enumerate().filter_map(|(i, v)| finite(v).map(|y| (i as f64, y))).collect();
            chart.draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2))).map_err(chart_error)?;
            chart.draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled()))).map_err(chart_error)?;
            keys.push((label(name), Key::Line(color)));
        }
        if with_legend {
            let keys: Vec<(&str, Key)> = keys.iter().map(|(name, key)| (name.as_str(), *key)).collect();
            legend(&root, frame, &keys)?;
        }
        root.present().map_err(chart_error)?;
    }
    Ok(svg)
}

/// The plotting area with its y axis; the x axis carries no numbers (categories are
/// labelled by [`category_labels`]) and the top is left free for the legend.
fn plot<'a>(
    root: &Root<'a>,
    frame: Frame,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Plot<'a>, ReportError> {
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .margin_top(frame.font * 2 + 8)
        .x_label_area_size(frame.font * 2 + 4)
        .y_label_area_size(frame.font * 4)
        .build_cartesian_2d(x, y)
        .map_err(chart_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.15))
        .y_label_formatter(&|y| axis_number(*y))
        .label_style((FONT, frame.font))
        .draw()
        .map_err(chart_error)?;
    Ok(chart)
}

/// Category names under the x axis, centred on their positions (plotters only labels
/// numeric ticks, which fall between categories). When they would overlap, only every
/// n-th is shown: a year of monthly points stays readable.
fn category_labels<'a>(
    root: &Root<'a>,
    chart: &Plot<'a>,
    frame: Frame,
    labels: &[(f64, &str)],
) -> Result<(), ReportError> {
    let style = TextStyle::from((FONT, frame.font).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let slot = f64::from((xs.end - xs.start).max(1)) / labels.len().max(1) as f64;
    let mut widest = 0;
    for (_, text) in labels {
        widest = widest.max(root.estimate_text_size(text, &style).map_err(chart_error)?.0);
    }
    let step = ((f64::from(widest) + f64::from(frame.font)) / slot).ceil().max(1.0) as usize;
    for (x, text) in labels.iter().step_by(step) {
        let (px, _) = chart.backend_coord(&(*x, 0.0));
        root.draw(&Text::new(*text, (px, ys.end + 6), style.clone())).map_err(chart_error)?;
    }
    Ok(())
}

/// A one-line legend above the plot, starting at its left edge, so it never hides data.
fn legend(root: &Root<'_>, frame: Frame, keys: &[(&str, Key)]) -> Result<(), ReportError> {
    let style = TextStyle::from((FONT, frame.font).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    let half = frame.font as i32 / 2;
    let (mut x, y) = (12 + frame.font as i32 * 4, 12 + half);
    for (name, key) in keys {
        match key {
            Key::Bar(color) => root.draw(&Rectangle::new([(x, y - half), (x + 2 * half, y + half)], color.filled())),
            Key::Line(color) => root.draw(&PathElement::new(vec![(x, y), (x + 3 * half, y)], color.stroke_width(2))),
        }
        .map_err(chart_error)?;
        x += 4 * half;
        root.draw(&Text::new(*name, (x, y), style.clone())).map_err(chart_error)?;
        let (width, _) = root.estimate_text_size(name, &style).map_err(chart_error)?;
        x += width as i32 + 3 * half;
    }
    Ok(())
}

/// Axis numbers in the Indonesian style (decimal comma), with no more decimals than needed.
fn axis_number(y: f64) -> String {
    let text = format!("{y:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    let text = if text == "-0" { "0" } else { text };
    text.replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KpiPoint, Series};

    #[test]
    fn axis_numbers_use_a_decimal_comma() {
        assert_eq!(axis_number(2.5), "2,5");
        assert_eq!(axis_number(3.0), "3");
        assert_eq!(axis_number(-0.001), "0");
    }

    #[test]
    fn labels_are_escaped_in_the_svg() {
        let tricky = Kpi {
            name: "<b>&".into(),
            points: vec![
                KpiPoint { date: "Jan <1>".into(), value: 1.0, text: "1".into() },
                KpiPoint { date: "Feb & Mar".into(), value: 2.0, text: "2".into() },
            ],
            ..Kpi::default()
        };
        let chart = kpi(&tricky, "/k.svg").ok().flatten().map(|c| c.svg).unwrap_or_default();
        assert!(chart.contains("Jan &lt;1&gt;") && chart.contains("Feb &amp; Mar"), "{chart}");
    }

    #[test]
    fn crowded_axis_labels_are_thinned() {
        let points =
            (1..=36).map(|i| KpiPoint { date: format!("Bulan ke-{i}"), value: f64::from(i), text: String::new() });
        let crowded = Kpi { points: points.collect(), ..Kpi::default() };
        let svg = kpi(&crowded, "/k.svg").ok().flatten().map(|c| c.svg).unwrap_or_default();
        let shown = svg.matches("Bulan ke-").count();
        assert!(shown > 3 && shown < 36, "{shown} labels");
        assert!(svg.contains("Bulan ke-1\n"), "the first label is always shown");
    }

    #[test]
    fn no_chart_without_data() {
        assert!(groups(&[GroupScore::default()]).ok().flatten().is_none());
        let one = Kpi { points: vec![KpiPoint::default()], ..Kpi::default() };
        assert!(kpi(&one, "/k.svg").ok().flatten().is_none());
        let empty = MetricSnapshot { series: vec![Series::default()], ..MetricSnapshot::default() };
        assert!(metric(&empty, "/m.svg").ok().flatten().is_none());
    }
}
