-- Talas: conversations per channel user, their messages, handover to officers, webhook
-- deduplication, and one-time codes that link a chat to a satupintu account.

-- One row per person per channel (`sender`: a Telegram chat id, a WhatsApp business-scoped
-- user id, a web or REST sender id). `state` is the dialogue's JSON; `address` is where
-- replies go on the channel. While `handover` is set, officers answer instead of Talas.
CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    state TEXT NOT NULL,
    lang TEXT NOT NULL,
    address TEXT,
    user_id TEXT REFERENCES users (id) ON DELETE SET NULL,
    handover BIGINT NOT NULL DEFAULT 0,
    handover_agency_id TEXT REFERENCES agencies (id),
    handover_at BIGINT,
    last_inbound_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (channel, sender)
);

CREATE INDEX conversations_handover ON conversations (handover, handover_at);

-- Every message in and out, for the officer who takes over and for the chat volumes the
-- assessors ask about. `author`: `person`, `talas`, or the officer's user id.
CREATE TABLE conversation_messages (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    at BIGINT NOT NULL,
    author TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX conversation_messages_sender ON conversation_messages (channel, sender, at);

-- Webhook updates already handled (Telegram `update_id`, WhatsApp message id): a retried
-- delivery is dropped. Old rows are removed by the janitor.
CREATE TABLE channel_updates (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (channel, update_id)
);

-- A one-time code from the portal that links a chat to an account (only its hash is kept).
CREATE TABLE chat_link_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
