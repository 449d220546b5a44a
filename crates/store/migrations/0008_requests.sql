-- Requests (permohonan): a person applies for a service once, here, and follows it here,
-- whichever agency works it.

-- The form of a service (JSON form definition); a service without one uses a default
-- built from its requirements.
CREATE TABLE service_forms (
    service_id TEXT PRIMARY KEY REFERENCES services (id),
    definition TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- `agency_id` is copied from the service at submission, so an operator's queue is one
-- indexed query and a service moving agencies does not move open requests. `user_id` is
-- NULL for a guest complaint (with guest contact details instead).
CREATE TABLE requests (
    id TEXT PRIMARY KEY,
    tracking_code TEXT NOT NULL UNIQUE,
    service_id TEXT NOT NULL REFERENCES services (id),
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    guest_name TEXT,
    guest_contact TEXT,
    channel TEXT NOT NULL,
    status TEXT NOT NULL,
    answers TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    deadline TEXT,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    assignee_id TEXT REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX requests_user ON requests (user_id, submitted_at);
CREATE INDEX requests_queue ON requests (agency_id, status, deadline);
CREATE INDEX requests_service ON requests (service_id, submitted_at);

-- Every change of a request, in order: who, when, from and to which status, and a note
-- that is public (the person sees it) or internal (agency staff only).
CREATE TABLE request_events (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT,
    internal BIGINT NOT NULL
);

CREATE INDEX request_events_request ON request_events (request_id, at);
