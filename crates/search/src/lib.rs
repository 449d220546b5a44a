//! satupintu's search: find any service from how people actually ask.
//!
//! A tantivy index over the catalog with an Indonesian analyzer (lower-casing, ASCII
//! folding, stop words, the Snowball Indonesian stemmer) next to an unstemmed field for
//! exact and prefix matches; synonyms and abbreviations expanded at query time; typo
//! tolerance; and a ranking in tiers, so that how a word matched (exact name, name word,
//! keyword or synonym, body, prefix, typo) decides before how often it occurs.

mod analyzer;
mod blocklist;
mod doc;
pub mod eval;
mod highlight;
mod index;
mod query;
mod suggest;
mod synonyms;

pub use analyzer::{normalize, stem_word};
pub use doc::SearchDoc;
pub use highlight::{Fragment, to_html};
pub use index::{Facet, FacetCounts, Hit, SearchError, SearchFilter, SearchIndex, SearchResults, Stats};
pub use synonyms::{Direction, SynonymGroup, Synonyms};
