-- Residents by unit and channel, kept as chats and people change, so that the dashboard's figures
-- cost a lookup, not a count over every resident. A person counts once on a channel, however many
-- chats they have there; people without a unit are not counted.
CREATE TABLE resident_counts (
    unit_id bigint NOT NULL REFERENCES units (id),
    channel text NOT NULL,
    people  bigint NOT NULL CHECK (people >= 0),
    PRIMARY KEY (unit_id, channel)
);

-- A count goes down only where it went up first: an UPDATE (an upsert would check the negative
-- row it proposes against the CHECK before finding the one it updates).
CREATE FUNCTION resident_counts_add(unit bigint, chan text, delta bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF delta < 0 THEN
        UPDATE resident_counts SET people = people + delta WHERE unit_id = unit AND channel = chan;
    ELSE
        INSERT INTO resident_counts (unit_id, channel, people) VALUES (unit, chan, delta)
        ON CONFLICT (unit_id, channel) DO UPDATE SET people = resident_counts.people + delta;
    END IF;
END $$;

-- A chat joins or leaves its person: the person joins or leaves the channel when it is their first
-- or last chat there. AFTER, so the row itself is (or is no longer) among the chats looked at.
CREATE FUNCTION resident_counts_chat() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unit bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.person_id IS NOT NULL THEN
        SELECT unit_id INTO unit FROM people WHERE id = OLD.person_id;
        IF unit IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM chats WHERE person_id = OLD.person_id AND channel = OLD.channel
        ) THEN
            PERFORM resident_counts_add(unit, OLD.channel, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.person_id IS NOT NULL THEN
        SELECT unit_id INTO unit FROM people WHERE id = NEW.person_id;
        IF unit IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM chats WHERE person_id = NEW.person_id AND channel = NEW.channel
                                  AND address <> NEW.address
        ) THEN
            PERFORM resident_counts_add(unit, NEW.channel, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER resident_counts_chat_insert AFTER INSERT ON chats
    FOR EACH ROW WHEN (NEW.person_id IS NOT NULL) EXECUTE FUNCTION resident_counts_chat();
CREATE TRIGGER resident_counts_chat_update AFTER UPDATE OF person_id ON chats
    FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id)
    EXECUTE FUNCTION resident_counts_chat();
CREATE TRIGGER resident_counts_chat_delete AFTER DELETE ON chats
    FOR EACH ROW WHEN (OLD.person_id IS NOT NULL) EXECUTE FUNCTION resident_counts_chat();

-- A person moves: each of their channels moves with them. A person erased: their chats go first,
-- while the person is still there to say which unit they leave (the cascade would come after).
CREATE FUNCTION resident_counts_person() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM chats WHERE person_id = OLD.id;
        RETURN OLD;
    END IF;
    IF OLD.unit_id IS NOT NULL THEN
        PERFORM resident_counts_add(OLD.unit_id, c.channel, -1)
        FROM (SELECT DISTINCT channel FROM chats WHERE person_id = OLD.id) c;
    END IF;
    IF NEW.unit_id IS NOT NULL THEN
        PERFORM resident_counts_add(NEW.unit_id, c.channel, 1)
        FROM (SELECT DISTINCT channel FROM chats WHERE person_id = NEW.id) c;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER resident_counts_person_move AFTER UPDATE OF unit_id ON people
    FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id)
    EXECUTE FUNCTION resident_counts_person();
CREATE TRIGGER resident_counts_person_erase BEFORE DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION resident_counts_person();

INSERT INTO resident_counts (unit_id, channel, people)
SELECT p.unit_id, c.channel, count(DISTINCT p.id)
FROM people p JOIN chats c ON c.person_id = p.id
WHERE p.unit_id IS NOT NULL
GROUP BY p.unit_id, c.channel;
