-- Residents by unit and channel were kept by row triggers on chats that ran at the end of their
-- statement, each looking at the chats as the whole statement left them: a statement that moved or
-- deleted two chats of one person on one channel (a link making two people one, /forget) took the
-- person off that channel twice. Kept now by statement triggers over the transition tables: per
-- person and channel, the chats there before (now, less what the statement added, plus what it
-- took away) and after.

DROP TRIGGER resident_counts_chat_insert ON chats;
DROP TRIGGER resident_counts_chat_update ON chats;
DROP TRIGGER resident_counts_chat_delete ON chats;
DROP FUNCTION resident_counts_chat();

-- `changes`: chats added (+1) and taken away (-1) per person and channel, in any order.
CREATE FUNCTION resident_counts_chats_changed(persons bigint[], channels text[], changes int[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM resident_counts_add(p.unit_id, d.channel, d.delta)
    FROM (SELECT k.person, k.channel,
                 (n.now > 0)::int - (n.now - k.change > 0)::int AS delta
          FROM (SELECT person, channel, sum(change) AS change
                FROM unnest(persons, channels, changes) AS t (person, channel, change)
                GROUP BY 1, 2 HAVING sum(change) <> 0) k,
               LATERAL (SELECT count(*) AS now FROM chats c
                        WHERE c.person_id = k.person AND c.channel = k.channel) n) d
    JOIN people p ON p.id = d.person
    WHERE p.unit_id IS NOT NULL AND d.delta <> 0;
END $$;

CREATE FUNCTION resident_counts_chats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM resident_counts_chats_changed(array_agg(person_id), array_agg(channel), array_agg(1))
        FROM new_rows WHERE person_id IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM resident_counts_chats_changed(array_agg(person_id), array_agg(channel), array_agg(-1))
        FROM old_rows WHERE person_id IS NOT NULL;
    ELSE
        PERFORM resident_counts_chats_changed(array_agg(person_id), array_agg(channel), array_agg(change))
        FROM (SELECT person_id, channel, 1 AS change FROM new_rows WHERE person_id IS NOT NULL
              UNION ALL
              SELECT person_id, channel, -1 FROM old_rows WHERE person_id IS NOT NULL) t;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER resident_counts_chats_insert AFTER INSERT ON chats
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_chats();
CREATE TRIGGER resident_counts_chats_update AFTER UPDATE ON chats
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_chats();
CREATE TRIGGER resident_counts_chats_delete AFTER DELETE ON chats
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_chats();

-- What the old triggers miscounted, counted again.
DELETE FROM resident_count_parts;
INSERT INTO resident_count_parts (unit_id, channel, part, people)
SELECT p.unit_id, c.channel, 0, count(DISTINCT p.id)
FROM people p JOIN chats c ON c.person_id = p.id
WHERE p.unit_id IS NOT NULL
GROUP BY p.unit_id, c.channel;
