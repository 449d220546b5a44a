-- Evaluation: Smart City, SPBE and Pemerintah Digital cycles, the innovations registry,
-- evidence, levels per stage and the assessors' requests for more evidence.

-- Frameworks a city imported; the national ones ship inside the binary. `source` is the
-- checked TOML text, kept whole so the framework can be re-read exactly as imported.
CREATE TABLE eval_frameworks (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    imported_at BIGINT NOT NULL,
    imported_by TEXT
);

-- An evaluation round ("Evaluasi Smart City 2024 — Tahap II"). `slug` names it in URLs and
-- on the command line. Dates are ISO days. `published_at`: shown on the public dashboard.
CREATE TABLE eval_cycles (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    framework_id TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    published_at BIGINT,
    created_by TEXT,
    created_at BIGINT NOT NULL
);

-- The city's team for a cycle: they write the self-assessment and the evidence.
CREATE TABLE eval_team (
    cycle_id TEXT NOT NULL REFERENCES eval_cycles (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (cycle_id, user_id)
);

-- The innovations registry is the city's, across cycles. `dimension`/`element` are codes
-- of the Smart City taxonomy; `status` a domain InnovationStatus code.
CREATE TABLE innovations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    dimension TEXT NOT NULL,
    element TEXT NOT NULL,
    agency_id TEXT REFERENCES agencies (id),
    launched_on TEXT,
    status TEXT NOT NULL,
    quick_win BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The catalog applications an innovation consists of.
CREATE TABLE innovation_services (
    innovation_id TEXT NOT NULL REFERENCES innovations (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id),
    PRIMARY KEY (innovation_id, service_id)
);

-- Figures are decimal text, checked by the domain's exact parser (never floats).
CREATE TABLE innovation_kpis (
    id TEXT PRIMARY KEY,
    innovation_id TEXT NOT NULL REFERENCES innovations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    baseline TEXT NOT NULL,
    target TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE kpi_measurements (
    id TEXT PRIMARY KEY,
    kpi_id TEXT NOT NULL REFERENCES innovation_kpis (id) ON DELETE CASCADE,
    measured_on TEXT NOT NULL,
    value TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT,
    recorded_at BIGINT NOT NULL
);

CREATE INDEX kpi_measurements_kpi ON kpi_measurements (kpi_id, measured_on);

-- Evidence belongs to a cycle. A file or screenshot is `file_ref` (sha256/name in the
-- content-addressed folder); a link is `url`; a platform metric is `metric`, the JSON
-- snapshot taken once and never changed. `answers_request` ties it to an evidence request.
CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES eval_cycles (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    evidence_on TEXT NOT NULL,
    file_ref TEXT,
    media_type TEXT,
    url TEXT,
    metric TEXT,
    answers_request TEXT,
    created_by TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX evidence_cycle ON evidence (cycle_id, created_at);

CREATE TABLE evidence_indicators (
    evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    PRIMARY KEY (evidence_id, indicator)
);

CREATE TABLE evidence_innovations (
    evidence_id TEXT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
    innovation_id TEXT NOT NULL REFERENCES innovations (id) ON DELETE CASCADE,
    PRIMARY KEY (evidence_id, innovation_id)
);

-- Every level ever given, with its stage, who and when: the current level of a stage is
-- its latest row. `note` is the team's narrative (mandiri) or the assessor's comment.
CREATE TABLE eval_levels (
    id TEXT PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES eval_cycles (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    stage TEXT NOT NULL,
    level TEXT NOT NULL,
    note TEXT NOT NULL,
    user_id TEXT,
    at BIGINT NOT NULL,
    seq BIGINT NOT NULL
);

CREATE INDEX eval_levels_cycle ON eval_levels (cycle_id, indicator, stage, seq);

-- An assessor's request for more evidence: open → answered (by the team, with evidence and
-- a note) → closed (by the assessor).
CREATE TABLE evidence_requests (
    id TEXT PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES eval_cycles (id) ON DELETE CASCADE,
    indicator TEXT NOT NULL,
    text TEXT NOT NULL,
    asked_by TEXT,
    asked_at BIGINT NOT NULL,
    answer TEXT,
    answered_by TEXT,
    answered_at BIGINT,
    closed_by TEXT,
    closed_at BIGINT
);

CREATE INDEX evidence_requests_cycle ON evidence_requests (cycle_id, closed_at, asked_at);
