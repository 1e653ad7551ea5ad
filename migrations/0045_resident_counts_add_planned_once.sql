-- Resident counts are added to by a function the triggers call once per unit and channel. Written
-- in SQL, a function that is not inlined (an INSERT never is) is parsed and planned again on every
-- call; in PL/pgSQL its plan is kept for the session. A sign-up moves its person into a unit
-- through it, and that update cost four times what it did before the counts were kept.
CREATE OR REPLACE FUNCTION resident_counts_add(unit bigint, chan text, delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO resident_count_parts (unit_id, channel, part, people)
    VALUES (unit, chan, pg_backend_pid() % 64, delta)
    ON CONFLICT (unit_id, channel, part) DO UPDATE SET people = resident_count_parts.people + delta;
END $$;

-- A chat joins a person at sign-up, before the person has a unit: there is nothing to count then,
-- so the person's unit is read first and the other chats are looked at only when there is one.
CREATE OR REPLACE FUNCTION resident_counts_chat_moves() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unit bigint;
BEGIN
    IF OLD.person_id IS NOT NULL THEN
        SELECT unit_id INTO unit FROM people WHERE id = OLD.person_id;
        IF unit IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM chats WHERE person_id = OLD.person_id AND channel = OLD.channel
                                  AND address <> OLD.address
        ) THEN
            PERFORM resident_counts_add(unit, OLD.channel, -1);
        END IF;
    END IF;
    IF NEW.person_id IS NOT NULL THEN
        SELECT unit_id INTO unit FROM people WHERE id = NEW.person_id;
        IF unit IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM chats WHERE person_id = NEW.person_id AND channel = NEW.channel
                                  AND address <> OLD.address
        ) THEN
            PERFORM resident_counts_add(unit, NEW.channel, 1);
        END IF;
    END IF;
    RETURN NEW;
END $$;
