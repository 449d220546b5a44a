-- The satisfaction survey (SKM, PermenPANRB 14/2017) a person answers after a request is
-- done: one row per request, the nine elements U1–U9 scored 1–4. Kept as columns so the
-- index is computed from exact totals per service, agency or city.
CREATE TABLE survey_responses (
    request_id TEXT PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    service_id TEXT NOT NULL REFERENCES services (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    u1 BIGINT NOT NULL,
    u2 BIGINT NOT NULL,
    u3 BIGINT NOT NULL,
    u4 BIGINT NOT NULL,
    u5 BIGINT NOT NULL,
    u6 BIGINT NOT NULL,
    u7 BIGINT NOT NULL,
    u8 BIGINT NOT NULL,
    u9 BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX survey_responses_service ON survey_responses (service_id);
CREATE INDEX survey_responses_agency ON survey_responses (agency_id);
