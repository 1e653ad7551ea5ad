-- Activity photos are kept as their platform's ids and fetched from that platform when shown; the
-- platform is the channel of the chat that logged them (NULL: no photos, or logged before this).
ALTER TABLE activities ADD COLUMN photos_channel text;

-- Photos sent in the web chat: the web chat is their platform, so it keeps them, by the hex of
-- their SHA-256 (the photo's id in `activities.photos`); their type is read from the bytes.
CREATE TABLE web_photos (
    key          text PRIMARY KEY,
    address      text NOT NULL,
    bytes        bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX web_photos_address ON web_photos (address, created_at);
CREATE INDEX web_photos_age ON web_photos (created_at);
-- Whether an activity keeps a web chat photo, asked when a visitor is forgotten and when unused
-- photos are swept.
CREATE INDEX activities_web_photos ON activities USING gin (photos) WHERE photos_channel = 'web';
CREATE FUNCTION web_photo_kept(photo text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM activities
                   WHERE photos_channel = 'web' AND photos @> ARRAY[photo])
$$;

-- A visitor who is forgotten takes their photos along, except those an activity keeps as its
-- record (as a Telegram or Zalo photo stays on the platform).
CREATE OR REPLACE FUNCTION web_chat_forget() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM web_chat_messages WHERE address = OLD.address;
    DELETE FROM web_photos WHERE address = OLD.address AND NOT web_photo_kept(key);
    RETURN NULL;
END $$;
