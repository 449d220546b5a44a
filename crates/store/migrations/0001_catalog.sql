-- The catalog: agencies, categories, services and the history of integration status.
-- Portable SQL: the same text runs on SQLite and PostgreSQL. Timestamps are Unix seconds
-- (UTC), identifiers UUIDv7 text, lists JSON text.
CREATE TABLE agencies (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT,
    kind TEXT NOT NULL,
    address TEXT,
    phone TEXT,
    email TEXT,
    website TEXT,
    sort_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE categories (
    slug TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    summary TEXT,
    description TEXT,
    category_slug TEXT NOT NULL REFERENCES categories (slug),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    audience TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    status_changed_at BIGINT NOT NULL,
    target_year BIGINT,
    web_url TEXT,
    android_url TEXT,
    ios_url TEXT,
    keywords_json TEXT NOT NULL,
    requirements_json TEXT NOT NULL,
    procedure_json TEXT NOT NULL,
    duration_days BIGINT,
    cost_rupiah BIGINT,
    product TEXT,
    legal_basis TEXT,
    complaint_contact TEXT,
    -- Lower-cased name and keywords for the plain text filter.
    search_text TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    opens BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX services_agency ON services (agency_id);
CREATE INDEX services_category ON services (category_slug);
CREATE INDEX services_status ON services (status);
CREATE INDEX services_sort ON services (sort_key);

CREATE TABLE service_status_changes (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    changed_at BIGINT NOT NULL,
    note TEXT
);

CREATE INDEX service_status_changes_service ON service_status_changes (service_id, changed_at);

-- Small facts about this installation, e.g. which demo city was loaded.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Bumped by every catalog write so caches and search indexes know to refresh.
CREATE TABLE catalog_revision (
    id BIGINT PRIMARY KEY,
    revision BIGINT NOT NULL
);

INSERT INTO catalog_revision (id, revision) VALUES (1, 0);
