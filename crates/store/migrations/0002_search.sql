-- Search: per-service revision stamps (so the search index refreshes only what changed),
-- editable synonyms, and query statistics kept per day without personal data.
ALTER TABLE services ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE INDEX services_revision ON services (revision);

CREATE TABLE search_synonyms (
    position BIGINT PRIMARY KEY,
    terms TEXT NOT NULL,
    direction TEXT NOT NULL
);

CREATE TABLE search_stats (
    day TEXT NOT NULL,
    query TEXT NOT NULL,
    searches BIGINT NOT NULL DEFAULT 0,
    zero_results BIGINT NOT NULL DEFAULT 0,
    clicks BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, query)
);
