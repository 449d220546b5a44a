//! A read cache in front of the catalog queries.
//!
//! The catalog is read thousands of times for every write, so list pages, counts and
//! progress are kept in memory and served without touching the database. Freshness comes
//! from the store's catalog revision (bumped by every catalog write, in this process or
//! another one such as `satupintu import`): the change feed reports it and everything is
//! dropped when it moves. Counters that change without a
//! revision (how often a service was opened) are refreshed at least every [`MAX_AGE`].

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::{AgencyCode, Progress, ProgressPoint, ServiceCode};
use store::{
    AgencyProgress, AgencySummary, CategorySummary, Page, Paged, ServiceDetail, ServiceFilter, ServiceSummary, Store,
    StoreError,
};

/// The longest any cached answer is kept.
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Keyed entries kept per kind before the kind is emptied (bounds memory whatever URLs
/// clients make up).
const MAX_ENTRIES: usize = 4096;

struct Memo<K, V> {
    map: Mutex<HashMap<K, Arc<V>>>,
}

impl<K: Eq + Hash, V> Memo<K, V> {
    fn new() -> Self {
        Self { map: Mutex::new(HashMap::new()) }
    }

    fn get(&self, key: &K) -> Option<Arc<V>> {
        self.map.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: K, value: Arc<V>) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, value);
        }
    }

    fn remove(&self, key: &K) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(key);
        }
    }

    fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

struct Inner {
    store: Store,
    /// Bumped on every clear; an answer computed across a clear is not kept.
    generation: AtomicU64,
    lists: Memo<(ServiceFilter, Page), Paged<ServiceSummary>>,
    popular: Memo<u64, Vec<ServiceSummary>>,
    services: Memo<ServiceCode, ServiceDetail>,
    agencies: Memo<(), Vec<AgencySummary>>,
    agency: Memo<AgencyCode, AgencySummary>,
    categories: Memo<(), Vec<CategorySummary>>,
    progress: Memo<(), Progress>,
    by_agency: Memo<(), Vec<AgencyProgress>>,
    by_category: Memo<(), Vec<AgencyProgress>>,
    history: Memo<NaiveDate, Vec<ProgressPoint>>,
}

impl Inner {
    fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.lists.clear();
        self.popular.clear();
        self.services.clear();
        self.agencies.clear();
        self.agency.clear();
        self.categories.clear();
        self.progress.clear();
        self.by_agency.clear();
        self.by_category.clear();
        self.history.clear();
    }

    async fn cached<K: Eq + Hash, V, F>(&self, memo: &Memo<K, V>, key: K, load: F) -> Result<Arc<V>, StoreError>
    where
        F: Future<Output = Result<V, StoreError>>,
    {
        if let Some(hit) = memo.get(&key) {
            return Ok(hit);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let value = Arc::new(load.await?);
        if self.generation.load(Ordering::SeqCst) == generation {
            memo.put(key, value.clone());
        }
        Ok(value)
    }
}

/// The catalog as the web layer reads it: the store's queries, cached.
#[derive(Clone)]
pub struct Catalog {
    inner: Arc<Inner>,
}

impl Catalog {
    /// Wraps a store and starts the revision watcher (it stops when the last clone of
    /// this catalog is dropped). Must be called inside a Tokio runtime.
    pub fn new(store: Store, feed: &crate::feed::ChangeFeed) -> Self {
        let inner = Arc::new(Inner {
            store,
            generation: AtomicU64::new(0),
            lists: Memo::new(),
            popular: Memo::new(),
            services: Memo::new(),
            agencies: Memo::new(),
            agency: Memo::new(),
            categories: Memo::new(),
            progress: Memo::new(),
            by_agency: Memo::new(),
            by_category: Memo::new(),
            history: Memo::new(),
        });
        tokio::spawn(watch(Arc::downgrade(&inner), feed.subscribe()));
        Self { inner }
    }

    /// Forgets every cached answer (after a write made by this process).
    pub fn invalidate(&self) {
        self.inner.clear();
    }

    pub async fn list_services(
        &self,
        filter: &ServiceFilter,
        page: Page,
    ) -> Result<Arc<Paged<ServiceSummary>>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.lists, (filter.clone(), page), inner.store.list_services(filter, page)).await
    }

    pub async fn popular_services(&self, limit: u64) -> Result<Arc<Vec<ServiceSummary>>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.popular, limit, inner.store.popular_services(limit)).await
    }

    pub async fn service(&self, code: &ServiceCode) -> Result<Arc<ServiceDetail>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.services, code.clone(), inner.store.service(code)).await
    }

    pub async fn list_agencies(&self) -> Result<Arc<Vec<AgencySummary>>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.agencies, (), inner.store.list_agencies()).await
    }

    pub async fn agency(&self, code: &AgencyCode) -> Result<Arc<AgencySummary>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.agency, code.clone(), inner.store.agency(code)).await
    }

    pub async fn list_categories(&self) -> Result<Arc<Vec<CategorySummary>>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.categories, (), inner.store.list_categories()).await
    }

    pub async fn progress(&self) -> Result<Arc<Progress>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.progress, (), inner.store.progress()).await
    }

    pub async fn progress_by_agency(&self) -> Result<Arc<Vec<AgencyProgress>>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.by_agency, (), inner.store.progress_by_agency()).await
    }

    pub async fn progress_by_category(&self) -> Result<Arc<Vec<AgencyProgress>>, StoreError> {
        let inner = &self.inner;
        inner.cached(&inner.by_category, (), inner.store.progress_by_category()).await
    }

    /// Month-by-month progress up to now (cached per month).
    pub async fn progress_history(&self, now: DateTime<Utc>) -> Result<Arc<Vec<ProgressPoint>>, StoreError> {
        let inner = &self.inner;
        let month = NaiveDate::from_ymd_opt(now.year(), now.month(), 1).unwrap_or_default();
        inner.cached(&inner.history, month, inner.store.progress_history(now)).await
    }

    /// Counts an open and drops the service's cached page so its count is current.
    pub async fn record_open(&self, code: &ServiceCode) -> Result<(), StoreError> {
        self.inner.store.record_open(code).await?;
        self.inner.services.remove(code);
        Ok(())
    }
}

/// Clears the cache when the catalog revision moves, and at least every [`MAX_AGE`].
async fn watch(inner: Weak<Inner>, mut revisions: tokio::sync::watch::Receiver<i64>) {
    let mut cleared = Instant::now();
    loop {
        let changed = tokio::select! {
            result = revisions.changed() => {
                if result.is_err() {
                    return;
                }
                true
            }
            () = tokio::time::sleep(MAX_AGE.saturating_sub(cleared.elapsed())) => false,
        };
        let Some(inner) = inner.upgrade() else { return };
        if changed || cleared.elapsed() >= MAX_AGE {
            inner.clear();
            cleared = Instant::now();
        }
    }
}
