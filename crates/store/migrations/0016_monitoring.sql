-- Health monitoring of the integrated applications (issue 8): one check per service, its
-- current state on the same row (so the status pages read one row per application), raw
-- results for a week, hourly and daily roll-ups for a year, and incidents.
CREATE TABLE health_checks (
    service_id TEXT PRIMARY KEY REFERENCES services (id),
    url TEXT NOT NULL,
    interval_secs BIGINT NOT NULL,
    timeout_ms BIGINT NOT NULL,
    -- JSON list of Gatus-style condition lines.
    conditions_json TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    -- 0 for a default made from the catalog's web URL (it follows that URL and goes when
    -- the service stops being integrated); 1 once a person or a file set it.
    configured BIGINT NOT NULL,
    next_run_at BIGINT NOT NULL,
    claimed_until BIGINT,
    claimed_by TEXT,
    down BIGINT NOT NULL DEFAULT 0,
    failures_in_row BIGINT NOT NULL DEFAULT 0,
    successes_in_row BIGINT NOT NULL DEFAULT 0,
    last_checked_at BIGINT,
    last_ok BIGINT,
    last_status BIGINT,
    last_response_ms BIGINT,
    last_error TEXT,
    certificate_days BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE INDEX health_checks_due ON health_checks (next_run_at);

CREATE TABLE health_results (
    service_id TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    status BIGINT,
    response_ms BIGINT NOT NULL,
    error TEXT
);

CREATE INDEX health_results_service ON health_results (service_id, checked_at);
CREATE INDEX health_results_time ON health_results (checked_at);

-- `hour` is the Unix second the hour starts.
CREATE TABLE health_hourly (
    service_id TEXT NOT NULL,
    hour BIGINT NOT NULL,
    total BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    response_ms_sum BIGINT NOT NULL,
    PRIMARY KEY (service_id, hour)
);

CREATE INDEX health_hourly_hour ON health_hourly (hour);

-- `day` counts days since 1970-01-01 in the city's time (WIB, UTC+7).
CREATE TABLE health_daily (
    service_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    total BIGINT NOT NULL,
    ok BIGINT NOT NULL,
    PRIMARY KEY (service_id, day)
);

CREATE INDEX health_daily_day ON health_daily (day);

CREATE TABLE health_incidents (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id),
    opened_at BIGINT NOT NULL,
    closed_at BIGINT,
    cause TEXT NOT NULL,
    last_alert_at BIGINT NOT NULL
);

CREATE INDEX health_incidents_service ON health_incidents (service_id, closed_at);
CREATE INDEX health_incidents_opened ON health_incidents (opened_at);
