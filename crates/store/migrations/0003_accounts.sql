-- Accounts and server-side sessions (several server processes share them).
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,
    phone TEXT UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    email_verified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The agencies an operator works for.
CREATE TABLE user_agencies (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agency_id TEXT NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (user_id, agency_id)
);

-- Only a SHA-256 of the session token is stored: a copy of this table opens no session.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);
