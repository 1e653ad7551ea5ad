-- One person, several chats: one-time codes that link a second chat to a person, the chat a person
-- used last (their notices go there), and a limit on guessing codes.

-- When the engine last handled an event of the chat (by its clock).
ALTER TABLE chats ADD COLUMN last_seen_at timestamptz;
UPDATE chats SET last_seen_at = updated_at;
-- Wrong link codes sent from the chat, counted while they come less than an hour apart.
ALTER TABLE chats ADD COLUMN link_failures integer NOT NULL DEFAULT 0;
ALTER TABLE chats ADD COLUMN link_failed_at timestamptz;

-- A code a person asked for in one chat (/link) to send from another.
CREATE TABLE link_codes (
    -- SHA-256 of the code, as for invitations. A code whose time is up gives its slot to a new one.
    code_hash  bytea PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- The chat that asked: it cannot link to itself.
    channel    text NOT NULL,
    address    text NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX link_codes_person ON link_codes (person_id, created_at);

-- Notices a person missed (the platform would not take them), shown when they next write.
CREATE INDEX deliveries_undeliverable ON deliveries (person_id) WHERE status = 'undeliverable';

-- The ids of people merged into this one when two chats that had both signed up were linked. Their
-- anonymous survey responses are found by these ids' pseudonyms: nothing may rewrite them, since a
-- write in the linking transaction would pair them with its chats.
CREATE TABLE person_aliases (
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    former_id bigint NOT NULL,
    PRIMARY KEY (person_id, former_id)
);
