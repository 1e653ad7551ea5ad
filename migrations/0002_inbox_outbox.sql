-- Raw platform updates, committed before the platform is told they arrived (durable intake).
CREATE TABLE inbox (
    id              bigserial PRIMARY KEY,  -- arrival order; update ids are not reliably monotonic
    channel         text NOT NULL,
    event_id        text NOT NULL,
    chat            text NOT NULL,          -- events of one chat are handled in arrival order
    payload         jsonb NOT NULL,         -- scrubbed once handled: only the dedup key remains
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    handled_at      timestamptz,
    UNIQUE (channel, event_id)
);
CREATE INDEX inbox_pending ON inbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX inbox_pending_chat ON inbox (channel, chat, id) WHERE status = 'pending';

-- Replies rendered for a channel, written in the transaction that produced them; deleted once sent.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    channel     text NOT NULL,
    address     text NOT NULL,
    payload     jsonb NOT NULL,
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'failed')),
    lease_until timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    error       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_chat ON outbox (channel, address, id) WHERE status = 'pending';

-- Set when the platform tells us the person blocked the bot; nothing is sent there until they return.
ALTER TABLE chats ADD COLUMN unreachable_at timestamptz;
