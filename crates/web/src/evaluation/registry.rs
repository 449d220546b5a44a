//! The frameworks a city can evaluate with: the shipped ones and those it imported.

use std::sync::{Arc, OnceLock};

use domain::evaluation::{Framework, builtin_frameworks, parse_framework};
use store::{Store, StoreError};

/// Why the frameworks could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A shipped file or a stored import no longer parses (a broken build or a hand edit).
    #[error("framework file: {0}")]
    Broken(String),
}

fn shipped() -> Result<&'static [Arc<Framework>], RegistryError> {
    static SHIPPED: OnceLock<Result<Vec<Arc<Framework>>, String>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| builtin_frameworks().map(|list| list.into_iter().map(Arc::new).collect()))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(|e| RegistryError::Broken(e.clone()))
}

/// Whether `id` names a shipped framework (a city cannot replace those).
pub fn is_shipped(id: &str) -> bool {
    shipped().is_ok_and(|list| list.iter().any(|f| f.id == id))
}

/// Every framework: the shipped ones first, then the city's imports by id.
pub async fn frameworks(store: &Store) -> Result<Vec<Arc<Framework>>, RegistryError> {
    let mut list = shipped()?.to_vec();
    for (id, source) in store.imported_frameworks().await? {
        let framework = parse_framework(&source).map_err(|e| RegistryError::Broken(format!("{id}: {e}")))?;
        list.push(Arc::new(framework));
    }
    Ok(list)
}

/// One framework by id.
pub async fn framework(store: &Store, id: &str) -> Result<Option<Arc<Framework>>, RegistryError> {
    if let Some(found) = shipped()?.iter().find(|f| f.id == id) {
        return Ok(Some(found.clone()));
    }
    Ok(frameworks(store).await?.into_iter().find(|f| f.id == id))
}
