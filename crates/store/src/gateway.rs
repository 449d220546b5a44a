//! The API gateway's storage: routes to `api`-mode applications, consumer limits on API
//! keys, and the hash-chained access log (appended in batches by the gateway's writer).

use chrono::{DateTime, Utc};
use domain::gateway_log::{Call, CallEntry, link_hash};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::rows::{Columns, rows_per_insert, ts};
use crate::{Store, StoreError};

/// Where one application is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRoute {
    /// The catalog service code (`{app}` in `/gw/{app}/…`).
    pub service_code: String,
    /// Base URL calls go to; the path below `/gw/{app}` is appended.
    pub upstream: String,
    /// How long the application has to answer (until its response headers).
    pub timeout_ms: i64,
    /// The largest request body passed on.
    pub max_body_bytes: i64,
    /// The signing secret, sealed with the server key.
    pub secret_sealed: String,
    pub enabled: bool,
    pub updated_at: DateTime<Utc>,
}

/// A route as it is set.
#[derive(Debug, Clone)]
pub struct NewRoute<'a> {
    pub service_code: &'a str,
    pub upstream: &'a str,
    pub timeout_ms: i64,
    pub max_body_bytes: i64,
    pub secret_sealed: &'a str,
}

/// Why a route could not be set.
#[derive(Debug, thiserror::Error)]
pub enum RouteError {
    #[error("no service with that code")]
    NoService,
    #[error("the service's integration mode is {0}, not api")]
    NotApi(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An API key as a gateway consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConsumer {
    pub id: String,
    pub name: String,
    /// Calls a minute; `None`: the gateway's default.
    pub rate_per_minute: Option<i64>,
    /// The applications it may call; `None`: all of them.
    pub apps: Option<Vec<String>>,
}

const ROUTE_COLUMNS: &str = "service_code, upstream, timeout_ms, max_body_bytes, secret_sealed, enabled, updated_at";

fn route(row: &AnyRow) -> Result<GatewayRoute, StoreError> {
    Ok(GatewayRoute {
        service_code: row.text("service_code")?,
        upstream: row.text("upstream")?,
        timeout_ms: row.int("timeout_ms")?,
        max_body_bytes: row.int("max_body_bytes")?,
        secret_sealed: row.text("secret_sealed")?,
        enabled: row.int("enabled")? != 0,
        updated_at: row.time("updated_at")?,
    })
}

impl Store {
    /// Sets (or replaces) the route of an `api`-mode service, and records it in the audit log.
    pub async fn set_gateway_route(&self, new: &NewRoute<'_>, now: DateTime<Utc>) -> Result<(), RouteError> {
        let mut tx = self.begin_write().await.map_err(StoreError::from)?;
        let mode: Option<String> = sqlx::query_scalar("SELECT mode FROM services WHERE code = $1")
            .bind(new.service_code)
            .fetch_optional(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        match mode.as_deref() {
            None => return Err(RouteError::NoService),
            Some("api") => {}
            Some(other) => return Err(RouteError::NotApi(other.to_string())),
        }
        sqlx::query("DELETE FROM gateway_routes WHERE service_code = $1")
            .bind(new.service_code)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::from)?;
        sqlx::query(
            "INSERT INTO gateway_routes (service_code, upstream, timeout_ms, max_body_bytes, secret_sealed, enabled, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
        )
        .bind(new.service_code)
        .bind(new.upstream)
        .bind(new.timeout_ms)
        .bind(new.max_body_bytes)
        .bind(new.secret_sealed)
        .bind(ts(now))
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
        let after = serde_json::json!({
            "upstream": new.upstream, "timeout_ms": new.timeout_ms, "max_body_bytes": new.max_body_bytes,
        })
        .to_string();
        let change = crate::audit::Change {
            actor: "cli",
            action: "gateway.route.set",
            target: new.service_code,
            before: String::new(),
            after,
        };
        crate::audit::append(&mut tx, &change, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Removes a route (audited); false when there was none.
    pub async fn remove_gateway_route(&self, service_code: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM gateway_routes WHERE service_code = $1")
            .bind(service_code)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let change = crate::audit::Change {
            actor: "cli",
            action: "gateway.route.remove",
            target: service_code,
            before: String::new(),
            after: String::new(),
        };
        crate::audit::append(&mut tx, &change, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Every route, by code.
    pub async fn gateway_routes(&self) -> Result<Vec<GatewayRoute>, StoreError> {
        let sql = format!("SELECT {ROUTE_COLUMNS} FROM gateway_routes ORDER BY service_code");
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(route).collect()
    }

    /// The enabled routes of services still in `api` mode: what the gateway serves.
    pub async fn live_gateway_routes(&self) -> Result<Vec<GatewayRoute>, StoreError> {
        let sql = format!(
            "SELECT {} FROM gateway_routes r JOIN services s ON s.code = r.service_code \
             WHERE r.enabled = 1 AND s.mode = 'api'",
            ROUTE_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ")
        );
        let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(route).collect()
    }

    /// Sets an API key's gateway limits; false when there is no live key with this id.
    pub async fn set_api_key_gateway(
        &self,
        id: &str,
        rate_per_minute: Option<i64>,
        apps: Option<&[String]>,
    ) -> Result<bool, StoreError> {
        let apps = apps.map(crate::rows::json_list);
        let done = sqlx::query(
            "UPDATE api_keys SET rate_per_minute = $1, gateway_apps = $2 WHERE id = $3 AND revoked_at IS NULL",
        )
        .bind(rate_per_minute)
        .bind(apps)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The live key with this hash, as a gateway consumer.
    pub async fn gateway_consumer_by_hash(&self, key_hash: &str) -> Result<Option<GatewayConsumer>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, rate_per_minute, gateway_apps FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(consumer).transpose()
    }

    /// Every key's gateway limits (revoked ones included), for listing.
    pub async fn gateway_consumers(&self) -> Result<Vec<GatewayConsumer>, StoreError> {
        let rows = sqlx::query("SELECT id, name, rate_per_minute, gateway_apps FROM api_keys ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(consumer).collect()
    }

    /// Chains and appends finished calls in one transaction (the gateway batches them).
    pub async fn append_gateway_calls(&self, calls: &[Call]) -> Result<(), StoreError> {
        if calls.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // Writing the head first takes its lock: another process's batch waits here.
        sqlx::query("UPDATE gateway_log_head SET seq = seq WHERE id = 1").execute(&mut *tx).await?;
        let head = sqlx::query("SELECT seq, hash FROM gateway_log_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let (first, mut prev) = (head.int("seq")? + 1, head.text("hash")?);
        // Each call with its place and hashes: (seq, call, previous hash, own hash).
        let mut rows = Vec::with_capacity(calls.len());
        for (seq, call) in (first..).zip(calls) {
            let hash = link_hash(seq, call, &prev);
            rows.push((seq, call, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        for chunk in rows.chunks(rows_per_insert(13)) {
            let sql = format!(
                "INSERT INTO gateway_log (seq, at, consumer, user_id, app, method, path, status, duration_ms, bytes_in, \
                 bytes_out, prev_hash, hash) VALUES {}",
                self.backend().value_rows(chunk.len(), 13)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (seq, c, prev_hash, hash) in chunk {
                query = query
                    .bind(*seq)
                    .bind(c.at)
                    .bind(c.consumer.as_str())
                    .bind(c.user_id.as_str())
                    .bind(c.app.as_str())
                    .bind(c.method.as_str())
                    .bind(c.path.as_str())
                    .bind(c.status)
                    .bind(c.duration_ms)
                    .bind(c.bytes_in)
                    .bind(c.bytes_out)
                    .bind(prev_hash.as_str())
                    .bind(hash.as_str());
            }
            query.execute(&mut *tx).await?;
        }
        let seq = rows.last().map_or(first - 1, |row| row.0);
        sqlx::query("UPDATE gateway_log_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(seq)
            .bind(prev.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every call in order, and the head, for verification. The head is read first and
    /// only rows up to it are read, so a batch committed meanwhile is not mistaken for
    /// rows removed from the end.
    pub async fn gateway_log(&self) -> Result<(Vec<CallEntry>, (i64, String)), StoreError> {
        let head = sqlx::query("SELECT seq, hash FROM gateway_log_head WHERE id = 1").fetch_one(&self.pool).await?;
        let head = (head.int("seq")?, head.text("hash")?);
        let rows = sqlx::query(
            "SELECT seq, at, consumer, user_id, app, method, path, status, duration_ms, bytes_in, bytes_out, \
             prev_hash, hash FROM gateway_log WHERE seq <= $1 ORDER BY seq",
        )
        .bind(head.0)
        .fetch_all(&self.pool)
        .await?;
        let entries = rows
            .iter()
            .map(|r| {
                Ok(CallEntry {
                    seq: r.int("seq")?,
                    call: Call {
                        at: r.int("at")?,
                        consumer: r.text("consumer")?,
                        user_id: r.text("user_id")?,
                        app: r.text("app")?,
                        method: r.text("method")?,
                        path: r.text("path")?,
                        status: r.int("status")?,
                        duration_ms: r.int("duration_ms")?,
                        bytes_in: r.int("bytes_in")?,
                        bytes_out: r.int("bytes_out")?,
                    },
                    prev_hash: r.text("prev_hash")?,
                    hash: r.text("hash")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((entries, head))
    }
}

fn consumer(row: &AnyRow) -> Result<GatewayConsumer, StoreError> {
    let apps = match row.opt_text("gateway_apps")? {
        Some(text) => {
            Some(serde_json::from_str::<Vec<String>>(&text).map_err(|e| crate::error::corrupt("gateway_apps", e))?)
        }
        None => None,
    };
    Ok(GatewayConsumer {
        id: row.text("id")?,
        name: row.text("name")?,
        rate_per_minute: row.opt_int("rate_per_minute")?,
        apps,
    })
}
