//! The search service of one process: builds the index from the database at start, keeps
//! it fresh from the change feed, and counts queries for the catalog team.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use search::{Direction, SearchDoc, SearchFilter, SearchIndex, SearchResults, SynonymGroup, Synonyms};
use store::{IndexedService, SearchCounts, Store, StoreError, SynonymRow};

/// How often query counts are written to the database.
const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// How often popularity (opens) is re-read: it changes without a catalog revision.
const OPENS_EVERY: Duration = Duration::from_secs(60);

/// What went wrong in the search service (a fault, never a person's input).
#[derive(Debug, thiserror::Error)]
pub enum SearchServiceError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] search::SearchError),
    #[error("stored synonyms are invalid: {0}")]
    Synonyms(String),
}

/// Turns a stored service into what the index reads.
pub fn search_doc(s: &IndexedService) -> SearchDoc {
    let mut doc = SearchDoc::from_service(
        &s.service,
        &s.agency_name,
        s.agency_short_name.as_deref().unwrap_or_default(),
        s.opens,
    );
    // The stored slug is the key the catalog filters by.
    doc.category_slug = s.category_slug.clone();
    doc
}

/// The synonyms in the database; the shipped default set is stored on first use.
pub async fn load_synonyms(store: &Store) -> Result<Synonyms, SearchServiceError> {
    let rows = match store.synonyms().await? {
        Some(rows) => rows,
        None => {
            let defaults = Synonyms::default_set().map_err(|e| SearchServiceError::Synonyms(format!("{e:?}")))?;
            let rows = synonym_rows(&defaults);
            store.replace_synonyms(&rows).await?;
            rows
        }
    };
    Ok(Synonyms::new(
        rows.iter()
            .map(|r| SynonymGroup {
                terms: r.terms.split(';').map(search::normalize).filter(|t| !t.is_empty()).collect(),
                direction: if r.direction == "satu" { Direction::OneWay } else { Direction::Both },
            })
            .filter(|g| g.terms.len() >= 2)
            .collect(),
    ))
}

/// Synonym groups as stored rows.
pub fn synonym_rows(synonyms: &Synonyms) -> Vec<SynonymRow> {
    synonyms
        .groups()
        .iter()
        .map(|g| SynonymRow { terms: g.terms.join(";"), direction: g.direction.as_str().to_string() })
        .collect()
}

/// Builds a fresh index from the whole catalog; returns it with the revision it reflects.
pub async fn build_index(
    store: &Store,
    on_doc: impl Fn(usize) + Send + 'static,
) -> Result<(i64, SearchIndex), SearchServiceError> {
    let synonyms = load_synonyms(store).await?;
    let (revision, services) = store.services_changed_since(-1).await?;
    let docs = services.iter().map(search_doc).collect();
    // Indexing is CPU work: keep it off the async threads.
    let index = tokio::task::spawn_blocking(move || SearchIndex::build(docs, synonyms, on_doc))
        .await
        .map_err(|_| search::SearchError::Poisoned)??;
    Ok((revision, index))
}

/// Removes what could identify a person from a logged query: long digit runs (NIK,
/// phone numbers, tracking codes) and e-mail addresses. Only the normalized text is
/// kept, with no time finer than the day and nothing about who asked.
pub fn redact(raw: &str) -> String {
    let words: Vec<&str> = raw
        .split_whitespace()
        .map(|w| {
            if w.contains('@') {
                "email"
            } else if w.chars().filter(char::is_ascii_digit).count() >= 5 {
                "nomor"
            } else {
                w
            }
        })
        .collect();
    let mut out = search::normalize(&words.join(" "));
    out.truncate(out.char_indices().nth(100).map_or(out.len(), |(i, _)| i));
    out
}

type Pending = HashMap<(NaiveDate, String), SearchCounts>;

/// A search as the results cache keys it: normalized text, filter, window, prefix mode.
type CacheKey = (String, SearchFilter, usize, usize, bool);

/// Answers kept per index state before the cache is emptied (bounds memory).
const CACHE_ENTRIES: usize = 10_000;

/// The `meta` key `satupintu search reindex` sets to ask running servers for a full rebuild.
pub const REINDEX_MARKER: &str = "search_reindexed_at";

struct Inner {
    store: Store,
    index: RwLock<Arc<SearchIndex>>,
    revision: Mutex<i64>,
    /// The last reindex request seen, so each one rebuilds once.
    reindexed_at: Mutex<Option<String>>,
    pending: Mutex<Pending>,
    /// Results by query, emptied whenever the index changes: people ask the same things
    /// ("ktp", "pbb", "ppdb") far more often than anything else.
    cache: Mutex<HashMap<CacheKey, Arc<SearchResults>>>,
}

impl Inner {
    fn forget_results(&self) {
        if let Ok(mut cache) = self.cache.lock() {
            cache.clear();
        }
    }
}

/// Search for the web layer.
#[derive(Clone)]
pub struct SearchService {
    inner: Arc<Inner>,
}

impl SearchService {
    /// Builds the index and starts keeping it fresh from `feed`.
    pub async fn start(store: Store, feed: &crate::feed::ChangeFeed) -> Result<Self, SearchServiceError> {
        let started = std::time::Instant::now();
        let reindexed_at = store.meta(REINDEX_MARKER).await?;
        let (revision, index) = build_index(&store, |_| {}).await?;
        tracing::info!(
            documents = index.stats().documents,
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        let inner = Arc::new(Inner {
            store,
            index: RwLock::new(Arc::new(index)),
            revision: Mutex::new(revision),
            reindexed_at: Mutex::new(reindexed_at),
            pending: Mutex::new(HashMap::new()),
            cache: Mutex::new(HashMap::new()),
        });
        tokio::spawn(follow(Arc::downgrade(&inner), feed.subscribe()));
        tokio::spawn(flush_loop(Arc::downgrade(&inner)));
        Ok(Self { inner })
    }

    /// The current index (Talas searches it directly, without counting its queries).
    pub fn index(&self) -> Option<Arc<SearchIndex>> {
        self.inner.index.read().ok().map(|i| i.clone())
    }

    /// Searches and counts the query. `prefix_last` for search-as-you-type.
    pub fn search(
        &self,
        q: &str,
        filter: &SearchFilter,
        offset: usize,
        limit: usize,
        prefix_last: bool,
        count_query: bool,
    ) -> Result<Arc<SearchResults>, SearchServiceError> {
        let key = (search::normalize(q), filter.clone(), offset, limit, prefix_last);
        let cached = self.inner.cache.lock().ok().and_then(|c| c.get(&key).cloned());
        let results = match cached {
            Some(hit) => hit,
            None => {
                let index = self.index().ok_or(search::SearchError::Poisoned)?;
                let fresh = Arc::new(index.search(q, filter, offset, limit, prefix_last)?);
                if let Ok(mut cache) = self.inner.cache.lock() {
                    if cache.len() >= CACHE_ENTRIES {
                        cache.clear();
                    }
                    cache.insert(key, fresh.clone());
                }
                fresh
            }
        };
        if count_query && !results.normalized.is_empty() && offset == 0 {
            let zero = results.total == 0;
            self.count(q, |c| {
                c.searches += 1;
                c.zero_results += u64::from(zero);
            });
        }
        Ok(results)
    }

    /// Counts a click on a result of `q`.
    pub fn record_click(&self, q: &str) {
        if !search::normalize(q).is_empty() {
            self.count(q, |c| c.clicks += 1);
        }
    }

    fn count(&self, raw: &str, update: impl FnOnce(&mut SearchCounts)) {
        let key = (Utc::now().date_naive(), redact(raw));
        if let Ok(mut pending) = self.inner.pending.lock() {
            update(pending.entry(key).or_default());
        }
    }

    /// Writes pending counts now (tests and shutdown).
    pub async fn flush(&self) -> Result<(), StoreError> {
        flush(&self.inner).await
    }
}

async fn flush(inner: &Inner) -> Result<(), StoreError> {
    let batch: Vec<_> = match inner.pending.lock() {
        Ok(mut pending) => pending.drain().map(|((day, q), c)| (day, q, c)).collect(),
        Err(_) => return Ok(()),
    };
    inner.store.add_search_stats(&batch).await
}

async fn flush_loop(inner: std::sync::Weak<Inner>) {
    loop {
        tokio::time::sleep(FLUSH_EVERY).await;
        let Some(inner) = inner.upgrade() else { return };
        if inner.store.is_closed() {
            return;
        }
        if let Err(e) = flush(&inner).await {
            tracing::warn!(error = %e, "search statistics not written; will retry");
        }
    }
}

/// Applies catalog changes to the index as the feed reports them; refreshes popularity.
async fn follow(inner: std::sync::Weak<Inner>, mut revisions: tokio::sync::watch::Receiver<i64>) {
    let mut opens_at = std::time::Instant::now();
    loop {
        let changed = tokio::select! {
            r = revisions.changed() => {
                if r.is_err() {
                    // The feed stopped (the store closed at shutdown): nothing more to follow.
                    return;
                }
                true
            }
            () = tokio::time::sleep(OPENS_EVERY) => false,
        };
        let Some(inner) = inner.upgrade() else { return };
        if inner.store.is_closed() {
            return;
        }
        if changed && let Err(e) = refresh(&inner).await {
            tracing::warn!(error = %e, "search index not refreshed; will retry on the next change");
        }
        if opens_at.elapsed() >= OPENS_EVERY {
            opens_at = std::time::Instant::now();
            if let Err(e) = refresh_opens(&inner).await {
                tracing::warn!(error = %e, "popularity not refreshed");
            }
        }
    }
}

async fn refresh(inner: &Inner) -> Result<(), SearchServiceError> {
    let requested = inner.store.meta(REINDEX_MARKER).await?;
    let seen = inner.reindexed_at.lock().map(|r| r.clone()).unwrap_or_default();
    if requested != seen {
        let (revision, index) = build_index(&inner.store, |_| {}).await?;
        if let Ok(mut slot) = inner.index.write() {
            *slot = Arc::new(index);
        }
        if let Ok(mut r) = inner.revision.lock() {
            *r = revision;
        }
        if let Ok(mut r) = inner.reindexed_at.lock() {
            *r = requested;
        }
        inner.forget_results();
        tracing::info!(revision, "search index rebuilt on request");
        return Ok(());
    }
    let since = inner.revision.lock().map(|r| *r).unwrap_or(0);
    let (revision, services) = inner.store.services_changed_since(since).await?;
    let synonyms = load_synonyms(&inner.store).await?;
    let index = inner.index.read().map(|i| i.clone()).map_err(|_| search::SearchError::Poisoned)?;
    index.set_synonyms(synonyms)?;
    if !services.is_empty() {
        let docs = services.iter().map(search_doc).collect();
        let target = index.clone();
        tokio::task::spawn_blocking(move || target.upsert(docs)).await.map_err(|_| search::SearchError::Poisoned)??;
        tracing::debug!(changed = services.len(), revision, "search index refreshed");
    }
    if let Ok(mut r) = inner.revision.lock() {
        *r = revision;
    }
    inner.forget_results();
    Ok(())
}

async fn refresh_opens(inner: &Inner) -> Result<(), SearchServiceError> {
    let opens: HashMap<String, u64> = inner.store.opens_by_code().await?.into_iter().collect();
    let index = inner.index.read().map(|i| i.clone()).map_err(|_| search::SearchError::Poisoned)?;
    index.set_opens(&opens)?;
    inner.forget_results();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redacts_personal_numbers() {
        assert_eq!(redact("cek NIK 3271234567890001"), "cek nik nomor");
        assert_eq!(redact("telepon 0812-3456-7890"), "telepon nomor");
        assert_eq!(redact("kirim ke budi.s@gmail.com"), "kirim ke email");
        assert_eq!(redact("PPDB 2025"), "ppdb 2025");
        assert_eq!(redact(&"ab ".repeat(100)).len(), 100);
    }
}
