-- Zalo: OAuth tokens that must outlive a restart, pictures served to channels that take a photo
-- by URL, and delivery receipts.

-- A channel account's current OAuth tokens. Zalo's refresh tokens work once: the new one is stored
-- here before the new access token is used, and the row lock makes one refresher at a time.
CREATE TABLE channel_tokens (
    channel           text PRIMARY KEY,
    refresh_token     text NOT NULL,
    access_token      text,
    access_expires_at timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Charts drawn for channels that fetch pictures from a public URL, by content hash.
CREATE TABLE public_images (
    key        text PRIMARY KEY,
    plot       jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Set when the platform reports the message reached the person's phone (read_at: they opened it).
ALTER TABLE deliveries ADD COLUMN delivered_at timestamptz;
CREATE INDEX deliveries_message ON deliveries (channel, message_id) WHERE message_id IS NOT NULL;
