//! Synonyms and abbreviations, as data the catalog team edits and imports.
//!
//! A group is a set of terms (each one or more words). `dua` (both ways): searching any
//! term also finds the others. `satu` (one way): searching the first term also finds the
//! rest, but not the reverse (`imb` finds `pbg`; `pbg` does not find the old name).

use std::collections::HashMap;

use crate::analyzer::normalize;

/// Which way a group expands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Both,
    OneWay,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Both => "dua",
            Self::OneWay => "satu",
        }
    }
}

/// One synonym group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymGroup {
    /// Normalized terms; for one-way groups the first is the one that expands.
    pub terms: Vec<String>,
    pub direction: Direction,
}

/// A problem in a synonym file, located by line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct SynonymProblem {
    pub line: usize,
    pub reason: String,
}

/// Every group, indexed for expansion.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<SynonymGroup>,
    /// Term (as a sequence of words) → the terms it expands to, itself excluded.
    expansions: HashMap<Vec<String>, Vec<Vec<String>>>,
    /// The longest term in words, to bound matching.
    longest: usize,
}

const DEFAULT: &str = include_str!("../data/synonyms.csv");

impl Synonyms {
    /// The set shipped with satupintu.
    pub fn default_set() -> Result<Self, Vec<SynonymProblem>> {
        Self::parse_csv(DEFAULT.as_bytes())
    }

    pub fn new(groups: Vec<SynonymGroup>) -> Self {
        let mut expansions: HashMap<Vec<String>, Vec<Vec<String>>> = HashMap::new();
        let mut longest = 1;
        let split = |t: &str| t.split(' ').map(str::to_string).collect::<Vec<_>>();
        for group in &groups {
            let terms: Vec<Vec<String>> = group.terms.iter().map(|t| split(t)).collect();
            longest = longest.max(terms.iter().map(Vec::len).max().unwrap_or(1));
            let sources: &[Vec<String>] = match group.direction {
                Direction::Both => &terms,
                Direction::OneWay => &terms[..terms.len().min(1)],
            };
            for source in sources {
                let entry = expansions.entry(source.clone()).or_default();
                for target in &terms {
                    if target != source && !entry.contains(target) {
                        entry.push(target.clone());
                    }
                }
            }
        }
        Self { groups, expansions, longest }
    }

    pub fn groups(&self) -> &[SynonymGroup] {
        &self.groups
    }

    /// Reads `istilah,arah` rows; every bad row is reported.
    pub fn parse_csv(bytes: &[u8]) -> Result<Self, Vec<SynonymProblem>> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
        let mut problems = Vec::new();
        let header: Vec<String> = match reader.headers() {
            Ok(h) => h.iter().map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase()).collect(),
            Err(e) => return Err(vec![SynonymProblem { line: 1, reason: e.to_string() }]),
        };
        let (Some(terms_at), Some(direction_at)) =
            (header.iter().position(|h| h == "istilah"), header.iter().position(|h| h == "arah"))
        else {
            return Err(vec![SynonymProblem { line: 1, reason: "judul kolom harus: istilah,arah".into() }]);
        };
        let mut groups = Vec::new();
        for record in reader.records() {
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    problems.push(SynonymProblem {
                        line: e.position().map_or(0, |p| p.line() as usize),
                        reason: e.to_string(),
                    });
                    continue;
                }
            };
            let line = record.position().map_or(0, |p| p.line() as usize);
            let direction = match record.get(direction_at).unwrap_or("").trim().to_lowercase().as_str() {
                "dua" | "" => Direction::Both,
                "satu" => Direction::OneWay,
                other => {
                    problems.push(SynonymProblem {
                        line,
                        reason: format!("arah '{other}' tidak dikenal; pilihan: dua, satu"),
                    });
                    continue;
                }
            };
            let terms: Vec<String> =
                record.get(terms_at).unwrap_or("").split(';').map(normalize).filter(|t| !t.is_empty()).collect();
            if terms.len() < 2 {
                problems.push(SynonymProblem { line, reason: "satu grup perlu sedikitnya dua istilah".into() });
                continue;
            }
            groups.push(SynonymGroup { terms, direction });
        }
        if problems.is_empty() { Ok(Self::new(groups)) } else { Err(problems) }
    }

    /// Writes the groups back as CSV.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(["istilah", "arah"]);
        for group in &self.groups {
            let _ = writer.write_record([group.terms.join(";").as_str(), group.direction.as_str()]);
        }
        writer.into_inner().unwrap_or_default()
    }

    /// Splits query words into units: each unit is the words it covers and the
    /// alternatives they expand to. Longest synonym terms win (`kartu keluarga` before
    /// `kartu`).
    pub fn expand(&self, words: &[String]) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
        let mut units = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut matched = None;
            for len in (1..=self.longest.min(words.len() - i)).rev() {
                if let Some(alternatives) = self.expansions.get(&words[i..i + len]) {
                    matched = Some((len, alternatives.clone()));
                    break;
                }
            }
            let (len, alternatives) = matched.unwrap_or((1, Vec::new()));
            units.push((words[i..i + len].to_vec(), alternatives));
            i += len;
        }
        units
    }

    /// Whether a word appears in any synonym term (it is a real word, not a typo).
    pub fn knows(&self, word: &str) -> bool {
        self.expansions.keys().any(|k| k.iter().any(|w| w == word))
            || self.groups.iter().any(|g| g.terms.iter().any(|t| t.split(' ').any(|w| w == word)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn expands_longest_terms_and_respects_direction() {
        let syn = Synonyms::parse_csv(b"istilah,arah\nkk;kartu keluarga,dua\nimb;pbg,satu\n").unwrap_or_default();
        let units = syn.expand(&words("kartu keluarga hilang"));
        assert_eq!(units[0], (words("kartu keluarga"), vec![words("kk")]));
        assert_eq!(units[1], (words("hilang"), vec![]));
        assert_eq!(syn.expand(&words("imb"))[0].1, vec![words("pbg")]);
        assert!(syn.expand(&words("pbg"))[0].1.is_empty());
    }

    #[test]
    fn reports_bad_rows() {
        let err = Synonyms::parse_csv(b"istilah,arah\nktp,dua\nkk;kartu keluarga,kiri\n").err().unwrap_or_default();
        let text: Vec<_> = err.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "line 2: satu grup perlu sedikitnya dua istilah",
                "line 3: arah 'kiri' tidak dikenal; pilihan: dua, satu"
            ]
        );
        assert!(Synonyms::parse_csv(b"a,b\n").is_err());
    }

    #[test]
    fn round_trips_and_default_set_loads() {
        let syn = Synonyms::default_set().unwrap_or_default();
        assert!(syn.groups().len() >= 60, "{}", syn.groups().len());
        let again = Synonyms::parse_csv(&syn.to_csv()).unwrap_or_default();
        assert_eq!(again.groups(), syn.groups());
    }
}
