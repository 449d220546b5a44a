-- Delivery of requests to agencies' own systems (integration mode `api`): where each
-- agency receives them, with the secret that signs the deliveries and its callbacks
-- (sealed by the caller with the server key).
CREATE TABLE agency_endpoints (
    agency_id TEXT PRIMARY KEY REFERENCES agencies (id),
    url TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A message that could not be delivered in time is set aside (dead letter) for an admin to
-- send again; `target` names who it goes to (the agency), for circuit breaking.
ALTER TABLE outbox ADD COLUMN dead_at BIGINT;
ALTER TABLE outbox ADD COLUMN target TEXT;
