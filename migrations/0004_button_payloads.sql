-- Button payloads too long for a platform's callback data (Telegram: 64 bytes), by the token sent instead.
-- The same payload always gets the same token, so a payload is stored once however often it is shown.
CREATE TABLE button_payloads (
    token      text PRIMARY KEY,
    payload    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
