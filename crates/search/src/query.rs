//! From what a person typed to a tantivy query ranked in tiers.
//!
//! Each query word (or synonym phrase) is a unit that adds the score of the best way it
//! matched a service, so a service matching more of the words ranks first, and among
//! equals the kind of match decides: exact name word, stemmed name word, keyword or
//! synonym, agency or category, body text, the prefix being typed, then a typo. A small
//! BM25 part orders services within a tier; a full-name match and a phrase match add
//! bonuses on top.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer::{is_stop_word, terms};
use crate::highlight::Marker;
use crate::suggest::allowed_typos;
use crate::synonyms::Synonyms;

/// Score of each way a unit can match (see the module docs).
pub mod tier {
    pub const NAME_EXACT: f32 = 100.0;
    pub const NAME_STEM: f32 = 95.0;
    pub const KEYWORD: f32 = 90.0;
    pub const SYNONYM_NAME: f32 = 90.0;
    pub const SYNONYM_KEYWORD: f32 = 88.0;
    pub const AGENCY: f32 = 85.0;
    pub const SYNONYM_AGENCY: f32 = 84.0;
    pub const BODY: f32 = 80.0;
    pub const SYNONYM_BODY: f32 = 78.0;
    pub const PREFIX: f32 = 72.0;
    pub const FUZZY: f32 = 60.0;
    pub const FULL_NAME: f32 = 400.0;
    pub const PHRASE: f32 = 120.0;
    pub const RELEVANCE_WEIGHT: f32 = 0.05;
}

/// The index fields a query reads.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub code: Field,
    pub doc_id: Field,
    pub name: Field,
    pub name_plain: Field,
    pub name_key: Field,
    pub keywords: Field,
    pub keywords_plain: Field,
    pub agency: Field,
    pub body: Field,
}

/// A query, analysed.
pub struct Plan {
    /// The query's words, normalized, stop words included.
    pub words: Vec<String>,
    /// Units that carry meaning (stop words dropped unless nothing else is left).
    pub units: Vec<(Vec<String>, Vec<Vec<String>>)>,
    /// Whether the last word may be a prefix (the person is still typing it).
    pub prefix_last: bool,
}

impl Plan {
    pub fn new(normalized: &str, synonyms: &Synonyms, prefix_last: bool) -> Self {
        let words: Vec<String> = normalized.split(' ').filter(|w| !w.is_empty()).take(12).map(str::to_string).collect();
        let mut units = synonyms.expand(&words);
        let meaningful: Vec<_> = units
            .iter()
            .filter(|(ws, alts)| !alts.is_empty() || ws.iter().any(|w| !is_stop_word(w)))
            .cloned()
            .collect();
        if !meaningful.is_empty() {
            units = meaningful;
        }
        Self { words, units, prefix_last }
    }

    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

fn const_q(query: Box<dyn Query>, score: f32) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, score))
}

/// A term or a phrase over `field`, from already analysed terms.
fn term_or_phrase(field: Field, terms: &[String]) -> Option<Box<dyn Query>> {
    match terms {
        [] => None,
        [one] => Some(Box::new(TermQuery::new(Term::from_field_text(field, one), IndexRecordOption::WithFreqs))),
        many => Some(Box::new(PhraseQuery::new(many.iter().map(|t| Term::from_field_text(field, t)).collect()))),
    }
}

pub struct Builder<'a> {
    pub fields: Fields,
    pub stemmer: &'a mut TextAnalyzer,
    /// Whether a word occurs in the catalog: only unknown words get typo tolerance, so a
    /// real word never drags in look-alikes ("kelurahan" is not a typo of "kelahiran").
    pub is_known: &'a dyn Fn(&str) -> bool,
    /// Share of services whose text contains a stemmed term (0–1). A unit found in most
    /// services carries no information ("bogor" in a city's catalog) and is dropped when
    /// the query has other words: better ranking, and no scoring of every service.
    pub share: &'a dyn Fn(Field, &str) -> f64,
}

/// A unit whose every term is in more than this share of services is too common to rank by.
const COMMON_SHARE: f64 = 0.25;

/// Light verbs and generic nouns: in "bikin kk" or "urus akta" the object names the
/// service, the verb does not. They still count, at a fraction of a full word.
const LIGHT_WORDS: &[&str] = &[
    "bikin",
    "buat",
    "membuat",
    "pembuatan",
    "urus",
    "ngurus",
    "mengurus",
    "pengurusan",
    "minta",
    "ajukan",
    "mengajukan",
    "pengajuan",
    "proses",
    "layanan",
    "pelayanan",
    "permohonan",
    "cek",
    "lihat",
    "mau",
    "make",
    "apply",
    "service",
    "services",
    "online",
];
const LIGHT_WEIGHT: f32 = 0.05;

impl Builder<'_> {
    fn stems(&mut self, words: &[String]) -> Vec<String> {
        terms(self.stemmer, &words.join(" "))
    }

    /// The tantivy query for a plan, and what to highlight in the results.
    pub fn build(&mut self, plan: &Plan, normalized: &str) -> (Box<dyn Query>, Marker) {
        let f = self.fields;
        let mut marker = Marker::default();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut relevance: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let last = plan.units.len().saturating_sub(1);
        let common: Vec<bool> = plan
            .units
            .iter()
            .map(|(words, alternatives)| {
                let stems = self.stems(words);
                alternatives.is_empty()
                    && !stems.is_empty()
                    && stems.iter().all(|s| (self.share)(f.body, s) > COMMON_SHARE)
            })
            .collect();
        let keep_common = common.iter().all(|c| *c);
        for (i, (words, alternatives)) in plan.units.iter().enumerate() {
            if common[i] && !keep_common {
                continue;
            }
            let mut ways: Vec<Box<dyn Query>> = Vec::new();
            let stems = self.stems(words);
            marker.words.extend(words.iter().cloned());
            marker.stems.extend(stems.iter().cloned());
            let add = |ways: &mut Vec<Box<dyn Query>>, field: Field, terms: &[String], score: f32| {
                if let Some(q) = term_or_phrase(field, terms) {
                    ways.push(const_q(q, score));
                }
            };
            add(&mut ways, f.name_plain, words, tier::NAME_EXACT);
            add(&mut ways, f.name, &stems, tier::NAME_STEM);
            add(&mut ways, f.keywords_plain, words, tier::KEYWORD);
            add(&mut ways, f.keywords, &stems, tier::KEYWORD);
            add(&mut ways, f.agency, &stems, tier::AGENCY);
            add(&mut ways, f.body, &stems, tier::BODY);
            for field in [f.name, f.keywords, f.body] {
                let weight = if field == f.name {
                    3.0
                } else if field == f.keywords {
                    2.0
                } else {
                    1.0
                };
                if let Some(q) = term_or_phrase(field, &stems) {
                    relevance.push((Occur::Should, Box::new(BoostQuery::new(q, weight))));
                }
            }
            for alt in alternatives {
                let alt_stems = self.stems(alt);
                marker.words.extend(alt.iter().cloned());
                marker.stems.extend(alt_stems.iter().cloned());
                add(&mut ways, f.name_plain, alt, tier::SYNONYM_NAME);
                add(&mut ways, f.name, &alt_stems, tier::SYNONYM_NAME);
                add(&mut ways, f.keywords_plain, alt, tier::SYNONYM_KEYWORD);
                add(&mut ways, f.keywords, &alt_stems, tier::SYNONYM_KEYWORD);
                add(&mut ways, f.agency, &alt_stems, tier::SYNONYM_AGENCY);
                add(&mut ways, f.body, &alt_stems, tier::SYNONYM_BODY);
            }
            if let [word] = words.as_slice() {
                if plan.prefix_last && i == last && word.chars().count() >= 2 {
                    marker.prefix = Some(word.clone());
                    for field in [f.name_plain, f.keywords_plain] {
                        let term = Term::from_field_text(field, word);
                        ways.push(const_q(Box::new(FuzzyTermQuery::new_prefix(term, 0, true)), tier::PREFIX));
                    }
                }
                let typos = allowed_typos(word);
                if typos > 0 && !is_stop_word(word) && !(self.is_known)(word) {
                    marker.fuzzy.push((word.clone(), typos));
                    for field in [f.name_plain, f.keywords_plain] {
                        let term = Term::from_field_text(field, word);
                        let fuzzy = FuzzyTermQuery::new(term, typos as u8, true);
                        ways.push(const_q(Box::new(fuzzy), tier::FUZZY));
                    }
                }
            }
            if !ways.is_empty() {
                let unit: Box<dyn Query> = Box::new(DisjunctionMaxQuery::new(ways));
                let light = words.len() == 1 && LIGHT_WORDS.contains(&words[0].as_str()) && plan.units.len() > 1;
                let unit = if light { Box::new(BoostQuery::new(unit, LIGHT_WEIGHT)) } else { unit };
                clauses.push((Occur::Should, unit));
            }
        }
        if !relevance.is_empty() {
            let relevance = BooleanQuery::new(relevance);
            clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(relevance), tier::RELEVANCE_WEIGHT))));
        }
        if !normalized.is_empty() {
            let key = Term::from_field_text(f.name_key, normalized);
            let full = TermQuery::new(key, IndexRecordOption::Basic);
            clauses.push((Occur::Should, const_q(Box::new(full), tier::FULL_NAME)));
        }
        let unit_words: Vec<String> = plan.units.iter().flat_map(|(w, _)| w.iter().cloned()).collect();
        if unit_words.len() >= 2
            && let Some(phrase) = term_or_phrase(f.name_plain, &unit_words)
        {
            clauses.push((Occur::Should, const_q(phrase, tier::PHRASE)));
        }
        (Box::new(BooleanQuery::new(clauses)), marker)
    }
}
