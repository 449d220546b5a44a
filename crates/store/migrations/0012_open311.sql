-- Open311 GeoReport v2: the keys of the applications that file reports, and what a report
-- carries beyond the service's form (where it is, a description, a link to a photo).

-- A key is shown once when made; only its SHA-256 is kept. `revoked_at` ends it at once.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);

-- One row per request filed through Open311, written in the submission's transaction.
-- `lat`/`long` are kept as the decimal text that was checked (WGS84 degrees).
CREATE TABLE request_reports (
    request_id TEXT PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    api_key_id TEXT REFERENCES api_keys (id),
    description TEXT,
    lat TEXT,
    long TEXT,
    address TEXT,
    address_id TEXT,
    zipcode TEXT,
    media_url TEXT,
    device_id TEXT,
    account_id TEXT
);

-- Open311 queries list one window of time, newest first.
CREATE INDEX requests_submitted ON requests (submitted_at);
CREATE INDEX request_events_at ON request_events (at);
