//! The index: built from the catalog, updated in place, searched with facets.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use domain::{Audience, IntegrationMode, IntegrationStatus};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::schema::{
    FAST, INDEXED, IndexRecordOption, STRING, Schema, SchemaBuilder, TextFieldIndexing, TextOptions,
};
use tantivy::{
    DocId, Index, IndexReader, IndexWriter, ReloadPolicy, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use crate::analyzer::{PLAIN, STEMMED, normalize, plain_analyzer, stemmed_analyzer};
use crate::doc::SearchDoc;
use crate::highlight::Fragment;
use crate::query::{Builder, Fields, Plan};
use crate::suggest::Vocabulary;
use crate::synonyms::Synonyms;

/// Why the index failed (a fault, never a person's input).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index lock poisoned")]
    Poisoned,
}

/// Filters applied to the matches; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SearchFilter {
    pub category: Option<String>,
    pub agency: Option<String>,
    pub audience: Option<Audience>,
    pub mode: Option<IntegrationMode>,
    /// Without a status, retired services are left out.
    pub status: Option<IntegrationStatus>,
}

impl SearchFilter {
    fn accepts(&self, doc: &SearchDoc) -> bool {
        self.category.as_ref().is_none_or(|c| *c == doc.category_slug)
            && self.agency.as_ref().is_none_or(|a| a.eq_ignore_ascii_case(&doc.agency_code))
            && self.audience.is_none_or(|a| a == doc.audience)
            && self.mode.is_none_or(|m| m == doc.mode)
            && match self.status {
                Some(s) => s == doc.status,
                None => doc.status != IntegrationStatus::Retired,
            }
    }
}

/// One facet value with how many matches carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// Counts of the matches by category, agency, integration mode and status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetCounts {
    pub category: Vec<Facet>,
    pub agency: Vec<Facet>,
    pub mode: Vec<Facet>,
    pub status: Vec<Facet>,
}

/// One ranked result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub doc: Arc<SearchDoc>,
    pub score: f32,
    pub name: Vec<Fragment>,
    pub summary: Vec<Fragment>,
}

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<Hit>,
    pub total: u64,
    pub facets: FacetCounts,
    /// "Maksud Anda …?" when the results are empty or weak.
    pub suggestion: Option<String>,
    /// The query as it was understood.
    pub normalized: String,
}

/// Size facts for `search reindex` and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub documents: u64,
    pub bytes: u64,
}

struct State {
    /// `doc_id` → document; replaced documents stay until the next full build.
    docs: Vec<Arc<SearchDoc>>,
    by_code: HashMap<String, u64>,
    synonyms: Arc<Synonyms>,
    vocabulary: Vocabulary,
}

/// The search index of one process, kept in memory.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    state: RwLock<State>,
}

fn text(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

fn schema() -> (Schema, Fields) {
    let mut b = SchemaBuilder::new();
    let fields = Fields {
        code: b.add_text_field("code", STRING),
        doc_id: b.add_u64_field("doc_id", FAST | INDEXED),
        name: b.add_text_field("name", text(STEMMED)),
        name_plain: b.add_text_field("name_plain", text(PLAIN)),
        name_key: b.add_text_field("name_key", STRING),
        keywords: b.add_text_field("keywords", text(STEMMED)),
        keywords_plain: b.add_text_field("keywords_plain", text(PLAIN)),
        agency: b.add_text_field("agency", text(STEMMED)),
        body: b.add_text_field("body", text(STEMMED)),
    };
    (b.build(), fields)
}

fn document(fields: &Fields, doc: &SearchDoc, doc_id: u64) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(fields.code, &doc.code);
    d.add_u64(fields.doc_id, doc_id);
    d.add_text(fields.name, &doc.name);
    d.add_text(fields.name_plain, &doc.name);
    d.add_text(fields.name_key, normalize(&doc.name));
    let keywords = doc.keywords.join(" ; ");
    let code_words = doc.code.replace('-', " ");
    d.add_text(fields.keywords, &keywords);
    d.add_text(fields.keywords_plain, &keywords);
    d.add_text(fields.keywords_plain, &code_words);
    d.add_text(fields.agency, format!("{} {} {}", doc.agency_name, doc.agency_short_name, doc.category_name));
    d.add_text(fields.body, format!("{} {}", doc.summary, doc.body));
    d
}

fn add_vocabulary(vocabulary: &mut Vocabulary, doc: &SearchDoc) {
    let text = format!(
        "{} {} {} {} {} {}",
        doc.name,
        doc.keywords.join(" "),
        doc.summary,
        doc.category_name,
        doc.agency_short_name,
        doc.agency_name
    );
    vocabulary.add_text(normalize(&text).split(' ').filter(|w| !w.is_empty()).map(str::to_string));
}

/// Drops what only indexing needs: results show names and summaries, not bodies.
fn slim(mut doc: SearchDoc) -> SearchDoc {
    doc.body = String::new();
    doc.keywords = Vec::new();
    doc
}

/// Collects every match with its score and `doc_id`.
struct AllMatches;

struct SegmentMatches {
    doc_ids: Option<Column<u64>>,
    out: Vec<(Score, u64)>,
}

impl Collector for AllMatches {
    type Fruit = Vec<(Score, u64)>;
    type Child = SegmentMatches;

    fn for_segment(&self, _: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<SegmentMatches> {
        Ok(SegmentMatches { doc_ids: Some(segment.fast_fields().u64("doc_id")?), out: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Score, u64)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = Vec<(Score, u64)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(id) = self.doc_ids.as_ref().and_then(|c| c.first(doc)) {
            self.out.push((score, id));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.out
    }
}

/// Integrated and popular services win ties; small enough never to cross a tier.
fn tie_bonus(doc: &SearchDoc) -> f32 {
    let integrated = if doc.status == IntegrationStatus::Integrated { 2.0 } else { 0.0 };
    let popularity = ((1 + doc.opens) as f32).ln() / 100_000f32.ln();
    integrated + popularity.min(1.0) * 1.5
}

fn count<'a>(map: &mut HashMap<&'a str, (&'a str, u64)>, value: &'a str, label: &'a str) {
    map.entry(value).or_insert((label, 0)).1 += 1;
}

fn facets(map: HashMap<&str, (&str, u64)>) -> Vec<Facet> {
    let mut out: Vec<Facet> = map
        .into_iter()
        .map(|(value, (label, count))| Facet { value: value.to_string(), label: label.to_string(), count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    out
}

impl SearchIndex {
    /// Builds an index in memory from every service; `on_doc` is called per document.
    pub fn build(docs: Vec<SearchDoc>, synonyms: Synonyms, on_doc: impl Fn(usize)) -> Result<Self, SearchError> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(PLAIN, plain_analyzer());
        index.tokenizers().register(STEMMED, stemmed_analyzer());
        // One thread: the server shares two cores with its requests.
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 50_000_000)?;
        let mut vocabulary = Vocabulary::default();
        let mut state_docs = Vec::with_capacity(docs.len());
        let mut by_code = HashMap::with_capacity(docs.len());
        for (i, doc) in docs.into_iter().enumerate() {
            writer.add_document(document(&fields, &doc, i as u64))?;
            add_vocabulary(&mut vocabulary, &doc);
            by_code.insert(doc.code.clone(), i as u64);
            state_docs.push(Arc::new(slim(doc)));
            on_doc(i + 1);
        }
        writer.commit()?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            state: RwLock::new(State { docs: state_docs, by_code, synonyms: Arc::new(synonyms), vocabulary }),
        })
    }

    /// Adds or replaces services (by code); the next search sees them.
    pub fn upsert(&self, docs: Vec<SearchDoc>) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let mut state = self.state.write().map_err(|_| SearchError::Poisoned)?;
        for doc in docs {
            writer.delete_term(Term::from_field_text(self.fields.code, &doc.code));
            let id = state.docs.len() as u64;
            writer.add_document(document(&self.fields, &doc, id))?;
            add_vocabulary(&mut state.vocabulary, &doc);
            state.by_code.insert(doc.code.clone(), id);
            state.docs.push(Arc::new(slim(doc)));
        }
        writer.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces the synonym set.
    pub fn set_synonyms(&self, synonyms: Synonyms) -> Result<(), SearchError> {
        self.state.write().map_err(|_| SearchError::Poisoned)?.synonyms = Arc::new(synonyms);
        Ok(())
    }

    /// Updates how often services were opened, without re-indexing.
    pub fn set_opens(&self, opens: &HashMap<String, u64>) -> Result<(), SearchError> {
        let mut state = self.state.write().map_err(|_| SearchError::Poisoned)?;
        let ids: Vec<(u64, u64)> =
            opens.iter().filter_map(|(code, n)| state.by_code.get(code).map(|id| (*id, *n))).collect();
        for (id, n) in ids {
            if let Some(slot) = state.docs.get_mut(id as usize)
                && slot.opens != n
            {
                let mut doc = (**slot).clone();
                doc.opens = n;
                *slot = Arc::new(doc);
            }
        }
        Ok(())
    }

    pub fn stats(&self) -> Stats {
        let searcher = self.reader.searcher();
        let bytes = searcher.space_usage().map(|u| u.total().get_bytes()).unwrap_or(0);
        Stats { documents: searcher.num_docs(), bytes }
    }

    /// Searches. `prefix_last` treats the last word as still being typed.
    pub fn search(
        &self,
        raw: &str,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
        prefix_last: bool,
    ) -> Result<SearchResults, SearchError> {
        let normalized = normalize(raw);
        let state = self.state.read().map_err(|_| SearchError::Poisoned)?;
        let plan = Plan::new(&normalized, &state.synonyms, prefix_last);
        if plan.is_empty() {
            return Ok(SearchResults { normalized, ..Default::default() });
        }
        let mut stemmer = stemmed_analyzer();
        let searcher = self.reader.searcher();
        let documents = searcher.num_docs().max(1) as f64;
        let is_known = |word: &str| state.vocabulary.contains(word) || state.synonyms.knows(word);
        let share =
            |field, term: &str| searcher.doc_freq(&Term::from_field_text(field, term)).unwrap_or(0) as f64 / documents;
        let (query, marker) =
            Builder { fields: self.fields, stemmer: &mut stemmer, is_known: &is_known, share: &share }
                .build(&plan, &normalized);
        let matches = searcher.search(&*query, &AllMatches)?;
        let mut categories = HashMap::new();
        let mut agencies = HashMap::new();
        let mut modes = HashMap::new();
        let mut statuses = HashMap::new();
        let mut ranked: Vec<(f32, &Arc<SearchDoc>)> = Vec::with_capacity(matches.len());
        for (score, id) in matches {
            let Some(doc) = state.docs.get(id as usize) else { continue };
            if !filter.accepts(doc) {
                continue;
            }
            count(&mut categories, &doc.category_slug, &doc.category_name);
            let agency_label = if doc.agency_short_name.is_empty() { &doc.agency_name } else { &doc.agency_short_name };
            count(&mut agencies, &doc.agency_code, agency_label);
            count(&mut modes, doc.mode.as_str(), doc.mode.as_str());
            count(&mut statuses, doc.status.as_str(), doc.status.as_str());
            ranked.push((score + tie_bonus(doc), doc));
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        // A correction is offered whenever a word is unknown but close to a known one:
        // then the results are empty, or carried by typo matches, which is weak either way.
        let suggestion = state.vocabulary.did_you_mean(&plan.words, &state.synonyms);
        let total = ranked.len() as u64;
        let hits = ranked
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|(score, doc)| Hit {
                name: marker.mark(&doc.name),
                summary: marker.mark(&doc.summary),
                doc: doc.clone(),
                score,
            })
            .collect();
        Ok(SearchResults {
            hits,
            total,
            facets: FacetCounts {
                category: facets(categories),
                agency: facets(agencies),
                mode: facets(modes),
                status: facets(statuses),
            },
            suggestion,
            normalized,
        })
    }

    /// The index's schema and tokenizers, for tests that look inside.
    pub fn tantivy_index(&self) -> &Index {
        &self.index
    }
}
