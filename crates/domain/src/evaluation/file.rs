//! Framework files (TOML) and their checks.
//!
//! A city adds its own framework by writing one of these; the three national ones ship in
//! `crates/domain/frameworks/`. A file is refused whole, with every problem named by line:
//! a weight that does not add up, an unknown parent, a duplicate code.
//!
//! Numbers may be written as TOML numbers or strings (`weight = 1.30` or `"1.30"`); a TOML
//! float is read back through its shortest decimal text, which is exactly what was written
//! for any figure with up to 15 significant digits.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::Exact;
use super::framework::{Band, Dimension, Element, Framework, Group, Indicator, Rubric, RubricLevel, Scale};

/// One problem in a framework file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("baris {line}: {reason}")]
pub struct FileProblem {
    pub line: usize,
    pub reason: String,
}

/// Why a framework file was refused: every problem found, in line order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct FrameworkFileError(pub Vec<FileProblem>);

#[derive(Deserialize)]
#[serde(untagged)]
enum Number {
    Text(String),
    Integer(i64),
    Float(f64),
}

impl Number {
    fn exact(&self) -> Result<Exact, String> {
        match self {
            Self::Text(text) => Exact::parse(text).map_err(|e| e.to_string()),
            Self::Integer(n) => Ok(Exact::integer(*n)),
            Self::Float(f) => Exact::parse(&f.to_string()).map_err(|e| e.to_string()),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSpec {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    regulation: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    provisional: bool,
    #[serde(default)]
    source: String,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default = "default_indicator_label")]
    indicator_label: String,
    /// The sum the indicator weights must reach (100 unless the file says otherwise).
    total: Option<Spanned<Number>>,
    scale: Spanned<ScaleSpec>,
    #[serde(default)]
    band: Vec<Spanned<BandSpec>>,
    #[serde(default)]
    rubric: BTreeMap<String, Spanned<RubricSpec>>,
    #[serde(default)]
    group: Vec<Spanned<GroupSpec>>,
    #[serde(default)]
    indicator: Vec<Spanned<IndicatorSpec>>,
    #[serde(default)]
    dimension: Vec<Spanned<DimensionSpec>>,
}

fn default_indicator_label() -> String {
    "Indikator".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleSpec {
    min: Number,
    max: Number,
    step: Number,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BandSpec {
    from: Number,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RubricSpec {
    name: String,
    levels: Vec<RubricLevelSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RubricLevelSpec {
    level: u8,
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    code: String,
    name: String,
    parent: Option<String>,
    /// Optional: when given it must equal the sum of the group's indicator weights.
    weight: Option<Number>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorSpec {
    code: String,
    number: Option<u32>,
    name: String,
    short_name: Option<String>,
    group: Option<String>,
    weight: Number,
    rubric: Option<String>,
    #[serde(default)]
    evidence_hint: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DimensionSpec {
    code: String,
    name: String,
    #[serde(default)]
    elements: Vec<ElementSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ElementSpec {
    code: String,
    name: String,
}

/// Line numbers from byte offsets.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        Self(text.match_indices('\n').map(|(i, _)| i).collect())
    }

    /// The 1-based line of a byte offset.
    fn of(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }

    /// The line of a table in an array of tables: its `[[…]]` header, just above the span.
    fn of_spanned<T>(&self, spanned: &Spanned<T>) -> usize {
        self.of(spanned.span().start)
    }
}

struct Problems<'a> {
    lines: &'a Lines,
    found: Vec<FileProblem>,
}

impl Problems<'_> {
    fn add(&mut self, line: usize, reason: impl Into<String>) {
        self.found.push(FileProblem { line, reason: reason.into() });
    }

    fn at<T>(&mut self, spanned: &Spanned<T>, reason: impl Into<String>) {
        let line = self.lines.of_spanned(spanned);
        self.add(line, reason);
    }
}

/// Reads and checks a framework file.
pub fn parse_framework(text: &str) -> Result<Framework, FrameworkFileError> {
    let lines = Lines::new(text);
    let spec: FileSpec = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| lines.of(s.start));
        FrameworkFileError(vec![FileProblem { line, reason: e.message().to_owned() }])
    })?;
    let mut problems = Problems { lines: &lines, found: Vec::new() };
    let framework = check(spec, &mut problems);
    let mut found = problems.found;
    if found.is_empty() {
        return Ok(framework);
    }
    found.sort_by_key(|p| p.line);
    Err(FrameworkFileError(found))
}

fn number(problems: &mut Problems<'_>, at: usize, what: &str, value: &Number) -> Exact {
    value.exact().unwrap_or_else(|reason| {
        problems.add(at, format!("{what}: {reason}"));
        Exact::ZERO
    })
}

fn check(spec: FileSpec, problems: &mut Problems<'_>) -> Framework {
    let id = spec.id.get_ref().trim().to_owned();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        problems.at(&spec.id, "id hanya boleh huruf kecil, angka dan tanda hubung");
    }
    let scale = check_scale(&spec.scale, problems);
    let rubrics = check_rubrics(&spec.rubric, problems);
    let mut codes = HashSet::new();
    let mut groups = check_groups(&spec.group, &mut codes, problems);
    let indicators = check_indicators(&spec, &groups, &rubrics, &mut codes, problems);
    check_weights(&spec, &mut groups, &indicators, problems);
    let bands = check_bands(&spec.band, &scale, problems);
    let dimensions = check_dimensions(&spec.dimension, problems);
    Framework {
        id,
        name: spec.name,
        regulation: spec.regulation,
        version: spec.version,
        provisional: spec.provisional,
        source: spec.source,
        tiers: spec.tiers,
        indicator_label: spec.indicator_label,
        scale,
        groups,
        indicators,
        bands,
        rubrics,
        dimensions,
    }
}

fn check_scale(spec: &Spanned<ScaleSpec>, problems: &mut Problems<'_>) -> Scale {
    let line = problems.lines.of_spanned(spec);
    let inner = spec.get_ref();
    let scale = Scale {
        min: number(problems, line, "scale.min", &inner.min),
        max: number(problems, line, "scale.max", &inner.max),
        step: number(problems, line, "scale.step", &inner.step),
    };
    if !scale.step.is_positive() || scale.min >= scale.max || !scale.max.is_step_of(scale.min, scale.step) {
        problems.add(line, "skala harus min < max dengan langkah positif yang membagi habis max − min");
        return Scale { min: Exact::ONE, max: Exact::integer(5), step: Exact::ONE };
    }
    scale
}

fn check_rubrics(specs: &BTreeMap<String, Spanned<RubricSpec>>, problems: &mut Problems<'_>) -> Vec<Rubric> {
    let mut rubrics = Vec::new();
    for (code, spec) in specs {
        let inner = spec.get_ref();
        let mut seen = HashSet::new();
        for level in &inner.levels {
            if !seen.insert(level.level) {
                problems.at(spec, format!("rubrik {code}: level {} ditulis dua kali", level.level));
            }
        }
        rubrics.push(Rubric {
            code: code.clone(),
            name: inner.name.clone(),
            levels: inner
                .levels
                .iter()
                .map(|l| RubricLevel { level: l.level, name: l.name.clone(), description: l.description.clone() })
                .collect(),
        });
    }
    rubrics
}

fn check_groups(specs: &[Spanned<GroupSpec>], codes: &mut HashSet<String>, problems: &mut Problems<'_>) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_code: HashMap<String, usize> = HashMap::new();
    for spec in specs {
        let inner = spec.get_ref();
        let code = inner.code.trim().to_owned();
        if code.is_empty() {
            problems.at(spec, "kode kelompok kosong");
        } else if !codes.insert(code.to_ascii_lowercase()) {
            problems.at(spec, format!("kode {code} dipakai dua kali"));
            continue;
        }
        let parent = match &inner.parent {
            None => None,
            Some(parent) => match by_code.get(&parent.trim().to_ascii_lowercase()) {
                Some(&p) => Some(p),
                None => {
                    problems.at(spec, format!("induk {parent} tidak dikenal (tulis kelompok induk lebih dahulu)"));
                    None
                }
            },
        };
        let depth = parent.map_or(0, |p| groups[p].depth + 1);
        by_code.insert(code.to_ascii_lowercase(), groups.len());
        groups.push(Group { code, name: inner.name.clone(), parent, depth, weight: Exact::ZERO });
    }
    groups
}

fn check_indicators(
    spec: &FileSpec,
    groups: &[Group],
    rubrics: &[Rubric],
    codes: &mut HashSet<String>,
    problems: &mut Problems<'_>,
) -> Vec<Indicator> {
    let mut numbers = HashSet::new();
    let mut indicators = Vec::new();
    if spec.indicator.is_empty() {
        problems.add(1, "kerangka tanpa indikator");
    }
    for item in &spec.indicator {
        let line = problems.lines.of_spanned(item);
        let inner = item.get_ref();
        let code = inner.code.trim().to_owned();
        if code.is_empty() {
            problems.add(line, "kode indikator kosong");
        } else if !codes.insert(code.to_ascii_lowercase()) {
            problems.add(line, format!("kode {code} dipakai dua kali"));
        }
        if let Some(n) = inner.number
            && !numbers.insert(n)
        {
            problems.add(line, format!("nomor indikator {n} dipakai dua kali"));
        }
        let group = inner.group.as_ref().and_then(|g| {
            let found = groups.iter().position(|x| x.code.eq_ignore_ascii_case(g.trim()));
            if found.is_none() {
                problems.add(line, format!("kelompok {g} tidak dikenal"));
            }
            found
        });
        if inner.group.is_none() && !groups.is_empty() {
            problems.add(line, format!("indikator {code} tanpa kelompok"));
        }
        let rubric = inner.rubric.as_ref().and_then(|r| {
            let found = rubrics.iter().position(|x| &x.code == r);
            if found.is_none() {
                problems.add(line, format!("rubrik {r} tidak dikenal"));
            }
            found
        });
        let weight = number(problems, line, "bobot", &inner.weight);
        if !weight.is_positive() {
            problems.add(line, format!("bobot indikator {code} harus lebih dari nol"));
        }
        indicators.push(Indicator {
            code,
            number: inner.number,
            name: inner.name.clone(),
            short_name: inner.short_name.clone().unwrap_or_else(|| inner.name.clone()),
            group,
            weight,
            rubric,
            evidence_hint: inner.evidence_hint.clone(),
        });
    }
    indicators
}

/// Each group's weight is the sum of its indicators'; a stated weight must agree, and the
/// whole must reach the stated total.
fn check_weights(spec: &FileSpec, groups: &mut [Group], indicators: &[Indicator], problems: &mut Problems<'_>) {
    for indicator in indicators {
        let mut group = indicator.group;
        while let Some(g) = group {
            groups[g].weight = groups[g].weight + indicator.weight;
            group = groups[g].parent;
        }
    }
    for (g, item) in spec.group.iter().enumerate() {
        let Some(group) = groups.get(g).filter(|group| group.code == item.get_ref().code.trim()) else {
            continue;
        };
        if group.weight == Exact::ZERO {
            problems.at(item, format!("kelompok {} tidak berisi indikator", group.code));
        }
        let line = problems.lines.of_spanned(item);
        if let Some(stated) = &item.get_ref().weight {
            let stated = number(problems, line, "bobot", stated);
            if stated != group.weight {
                problems.add(
                    line,
                    format!(
                        "bobot {} tertulis {}, tetapi bobot indikatornya berjumlah {}",
                        group.code, stated, group.weight
                    ),
                );
            }
        }
    }
    let sum: Exact = indicators.iter().map(|i| i.weight).sum();
    let (line, total) = match &spec.total {
        Some(total) => {
            let line = problems.lines.of_spanned(total);
            (line, number(problems, line, "total", total.get_ref()))
        }
        None => (problems.lines.of_spanned(&spec.id), Exact::integer(100)),
    };
    if !indicators.is_empty() && sum != total {
        problems.add(line, format!("bobot semua indikator berjumlah {sum}, seharusnya {total}"));
    }
}

fn check_bands(specs: &[Spanned<BandSpec>], scale: &Scale, problems: &mut Problems<'_>) -> Vec<Band> {
    let mut bands: Vec<Band> = Vec::new();
    for spec in specs {
        let line = problems.lines.of_spanned(spec);
        let from = number(problems, line, "from", &spec.get_ref().from);
        if from < scale.min || from > scale.max {
            problems.add(line, format!("batas predikat {from} di luar skala"));
        }
        if let Some(previous) = bands.last()
            && from >= previous.from
        {
            problems.add(line, "predikat harus ditulis dari batas tertinggi ke terendah");
        }
        bands.push(Band { from, label: spec.get_ref().label.clone() });
    }
    bands
}

fn check_dimensions(specs: &[Spanned<DimensionSpec>], problems: &mut Problems<'_>) -> Vec<Dimension> {
    let mut codes = HashSet::new();
    let mut dimensions = Vec::new();
    for spec in specs {
        let inner = spec.get_ref();
        if !codes.insert(inner.code.to_ascii_lowercase()) {
            problems.at(spec, format!("dimensi {} ditulis dua kali", inner.code));
        }
        let mut elements = HashSet::new();
        for element in &inner.elements {
            if !elements.insert(element.code.to_ascii_lowercase()) {
                problems.at(spec, format!("elemen {} ditulis dua kali di {}", element.code, inner.code));
            }
        }
        dimensions.push(Dimension {
            code: inner.code.clone(),
            name: inner.name.clone(),
            elements: inner.elements.iter().map(|e| Element { code: e.code.clone(), name: e.name.clone() }).collect(),
        });
    }
    dimensions
}
