-- The API gateway (`/gw/{app}/…`): where each `api`-mode application is reached, what its
-- consumers (API keys) may do, and the hash-chained log of every call.

-- Per key: calls a minute (NULL: the gateway's default) and the applications it may call
-- (a JSON list of service codes; NULL: every application behind the gateway).
ALTER TABLE api_keys ADD COLUMN rate_per_minute BIGINT;
ALTER TABLE api_keys ADD COLUMN gateway_apps TEXT;

-- One route per catalog service in `api` mode. The secret signs the verified-user headers
-- the application receives; it is sealed with the server key, like agency secrets.
CREATE TABLE gateway_routes (
    service_code TEXT PRIMARY KEY,
    upstream TEXT NOT NULL,
    timeout_ms BIGINT NOT NULL,
    max_body_bytes BIGINT NOT NULL,
    secret_sealed TEXT NOT NULL,
    enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Every call through the gateway, chained like the audit log (see domain::gateway_log):
-- altered, removed or reordered rows break the chain. The path is kept without its query,
-- which may carry personal data.
CREATE TABLE gateway_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    consumer TEXT NOT NULL,
    user_id TEXT NOT NULL,
    app TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    status BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    bytes_in BIGINT NOT NULL,
    bytes_out BIGINT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE INDEX gateway_log_app_at ON gateway_log (app, at);

CREATE TABLE gateway_log_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

INSERT INTO gateway_log_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
