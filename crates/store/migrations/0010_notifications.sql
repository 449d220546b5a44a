-- What a person is told in the portal when one of their requests changes (an e-mail goes
-- out through the outbox in the same transaction).
CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request_id TEXT REFERENCES requests (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);

CREATE INDEX notifications_user ON notifications (user_id, created_at);
