-- Web chat photos are counted against budgets a fresh visitor does not reset: bytes per network
-- address a day and in all a day, besides photos per visitor. `sender` is the address it came from.
ALTER TABLE web_photos
    ADD COLUMN sender text,
    ADD COLUMN size   integer NOT NULL GENERATED ALWAYS AS (octet_length(bytes)) STORED;
CREATE INDEX web_photos_sender ON web_photos (sender, created_at);

-- A visitor whose person was erased (`/forget`): the page may still read the goodbye for a few
-- minutes, may post nothing more, and is then deleted with it.
ALTER TABLE web_visitors ADD COLUMN forgotten_at timestamptz;
