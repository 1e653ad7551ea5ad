-- Every message updates its chat (state, last seen), and the statement trigger on chats' updates
-- ran for each of them: two transition tables and a PL/pgSQL call per message, a fourfold cost
-- on that update, for a person that changes only when chats are linked or merged. Updates are
-- counted now by a row trigger that fires only when a chat changes person. It runs BEFORE the
-- change, so it sees the rows the statement changed before it and not the row itself: a statement
-- that moves two chats of one person takes the person off the channel once, at the last of them.

DROP TRIGGER resident_counts_chats_update ON chats;

CREATE FUNCTION resident_counts_chat_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.person_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM chats WHERE person_id = OLD.person_id AND channel = OLD.channel
                              AND address <> OLD.address
    ) THEN
        PERFORM resident_counts_add(unit_id, OLD.channel, -1)
        FROM people WHERE id = OLD.person_id AND unit_id IS NOT NULL;
    END IF;
    IF NEW.person_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM chats WHERE person_id = NEW.person_id AND channel = NEW.channel
                              AND address <> OLD.address
    ) THEN
        PERFORM resident_counts_add(unit_id, NEW.channel, 1)
        FROM people WHERE id = NEW.person_id AND unit_id IS NOT NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER resident_counts_chat_moves BEFORE UPDATE OF person_id ON chats
    FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id)
    EXECUTE FUNCTION resident_counts_chat_moves();

-- The statement triggers are left with inserts and deletes. A chat is created at a person's first
-- message with no person yet: leave at once then, before a query that is planned anew each time
-- (a transition table's queries are not kept planned) and cost 0.4 ms on every new chat.
CREATE OR REPLACE FUNCTION resident_counts_chats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM new_rows WHERE person_id IS NOT NULL) THEN
            PERFORM resident_counts_chats_changed(array_agg(person_id), array_agg(channel), array_agg(1))
            FROM new_rows WHERE person_id IS NOT NULL;
        END IF;
    ELSIF EXISTS (SELECT 1 FROM old_rows WHERE person_id IS NOT NULL) THEN
        PERFORM resident_counts_chats_changed(array_agg(person_id), array_agg(channel), array_agg(-1))
        FROM old_rows WHERE person_id IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
