-- The opinion's trigger counted through `consultation_tally_add`, a function called by a
-- statement: two nested statements an opinion, and the outer one cost as much as the insert it
-- wrapped (0.05 ms each, pg_stat_statements during `bench consultation`). An opinion written,
-- changed in its unit or deleted now inserts its differences itself, in one statement (which, as
-- the function's, reads the units above once it holds the counts' table); only a move between
-- units still goes through the function, out of one unit and into the other. OLD is null on insert
-- and NEW on delete: their fields are then null, and count nothing.
CREATE OR REPLACE FUNCTION consultation_opinion_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.unit_id IS DISTINCT FROM NEW.unit_id THEN
        PERFORM consultation_tally_add(OLD.consultation_id, OLD.part, COALESCE(OLD.unit_id, 0),
            -(OLD.opinion = 'agree')::int, -(OLD.opinion = 'disagree')::int,
            -(OLD.opinion = 'other')::int, -(OLD.comment IS NOT NULL)::int, 0);
        PERFORM consultation_tally_add(NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
            (NEW.opinion = 'agree')::int, (NEW.opinion = 'disagree')::int,
            (NEW.opinion = 'other')::int, (NEW.comment IS NOT NULL)::int, 0);
        RETURN NULL;
    END IF;
    -- The unit's own rows (depth 1), then those of the units above it; each for the part and
    -- for part 0, which carries the totals over all parts.
    INSERT INTO consultation_tallies (consultation_id, part, unit_id, own, agree, disagree, other, comments)
    SELECT COALESCE(NEW.consultation_id, OLD.consultation_id), p, k.unit_id, k.depth = 1,
           COALESCE((NEW.opinion = 'agree')::int, 0) - COALESCE((OLD.opinion = 'agree')::int, 0),
           COALESCE((NEW.opinion = 'disagree')::int, 0) - COALESCE((OLD.opinion = 'disagree')::int, 0),
           COALESCE((NEW.opinion = 'other')::int, 0) - COALESCE((OLD.opinion = 'other')::int, 0),
           (NEW.comment IS NOT NULL)::int - (OLD.comment IS NOT NULL)::int
    FROM unnest(COALESCE(NEW.unit_id, OLD.unit_id, 0)
                || COALESCE((SELECT u.ancestors FROM units u
                             WHERE u.id = COALESCE(NEW.unit_id, OLD.unit_id)), '{}'))
             WITH ORDINALITY AS k (unit_id, depth),
         unnest(ARRAY[COALESCE(NEW.part, OLD.part), 0::smallint]) AS p;
    RETURN NULL;
END $$;
