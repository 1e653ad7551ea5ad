-- Every resident who chose a commune added one to that commune's row of resident_counts and held
-- the row's lock until their transaction committed, so a commune's sign-ups went one at a time, each
-- waiting for the one before to reach the disk. The counts are now kept in parts, and a transaction
-- adds to the part of the server process it runs in: a process runs one transaction at a time, so
-- two meet on a row only when their process ids are equal modulo 64 (rare: a pool's connections
-- start together and get consecutive ids). Readers see the sums under the old name.
ALTER TABLE resident_counts RENAME TO resident_count_parts;
ALTER TABLE resident_count_parts ADD COLUMN part smallint NOT NULL DEFAULT 0;
ALTER TABLE resident_count_parts DROP CONSTRAINT resident_counts_pkey;
ALTER TABLE resident_count_parts ADD PRIMARY KEY (unit_id, channel, part);
-- A person counted in one part may leave through another: a part may go below zero, a sum may not.
ALTER TABLE resident_count_parts DROP CONSTRAINT resident_counts_people_check;

CREATE VIEW resident_counts AS
SELECT unit_id, channel, sum(people)::bigint AS people
FROM resident_count_parts
GROUP BY unit_id, channel;

CREATE OR REPLACE FUNCTION resident_counts_add(unit bigint, chan text, delta bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO resident_count_parts (unit_id, channel, part, people)
    VALUES (unit, chan, pg_backend_pid() % 64, delta)
    ON CONFLICT (unit_id, channel, part) DO UPDATE SET people = resident_count_parts.people + delta;
$$;
