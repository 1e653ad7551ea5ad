-- A province's results summed its 1,100 part × commune rows on every read, most of a
-- millisecond however few had answered. Now each change also counts in every unit above its own
-- (rows with `own` false), and part 0 carries the totals over all parts beside the people: a
-- unit's results read its own nine rows and part 0 of each unit directly below it.
--
-- The units above one are `units.ancestors`. A units import that moves a unit refreshes them and
-- rebuilds the rows above from the units' own rows (`units_moved`), holding the counts' table
-- so that no change counts under the old tree meanwhile.

ALTER TABLE units ADD COLUMN ancestors bigint[] NOT NULL DEFAULT '{}';

-- Sets every unit's ancestors from the tree; returns how many changed.
CREATE FUNCTION unit_ancestors_refresh() RETURNS bigint LANGUAGE sql AS $$
    WITH RECURSIVE up (id, ancestors) AS (
        SELECT id, '{}'::bigint[] FROM units WHERE parent_id IS NULL
        UNION ALL
        SELECT u.id, up.ancestors || u.parent_id FROM units u JOIN up ON u.parent_id = up.id),
    changed AS (
        UPDATE units SET ancestors = up.ancestors FROM up
        WHERE units.id = up.id AND units.ancestors IS DISTINCT FROM up.ancestors
        RETURNING 1)
    SELECT count(*) FROM changed
$$;

ALTER TABLE consultation_tallies ADD COLUMN own boolean NOT NULL DEFAULT true;
DROP INDEX consultation_tallies_key;
-- A unit's own rows first: the results read one unit's rows and part 0 of its children's.
CREATE INDEX consultation_tallies_key ON consultation_tallies (consultation_id, unit_id, part);

-- The rows above every unit, rebuilt from the units' own rows. The table is held so that a
-- change made meanwhile under the old tree is counted before it, and one after under the new.
CREATE FUNCTION consultation_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE consultation_tallies IN EXCLUSIVE MODE;
    DELETE FROM consultation_tallies WHERE NOT own;
    INSERT INTO consultation_tallies
        (consultation_id, part, unit_id, own, agree, disagree, other, comments, people)
    SELECT t.consultation_id, t.part, above, false,
           sum(t.agree), sum(t.disagree), sum(t.other), sum(t.comments), sum(t.people)
    FROM consultation_tallies t JOIN units u ON u.id = t.unit_id, unnest(u.ancestors) AS above
    WHERE t.own
    GROUP BY 1, 2, 3;
END $$;

-- Called by a units import after it wrote the units.
CREATE FUNCTION units_moved() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF unit_ancestors_refresh() > 0 THEN
        PERFORM consultation_rollups_rebuild();
    END IF;
END $$;

-- A change of `part` (0: a person counted or not) in `unit`: its own rows and those above it.
-- One statement, so it reads the units above after it holds the table: a rebuild under way
-- finishes first, and the change is counted under the tree the rebuild left.
CREATE FUNCTION consultation_tally_add(
    c_id bigint, c_part smallint, c_unit bigint,
    d_agree int, d_disagree int, d_other int, d_comments int, d_people int
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO consultation_tallies
        (consultation_id, part, unit_id, own, agree, disagree, other, comments, people)
    SELECT c_id, p, k.unit_id, k.own, d_agree, d_disagree, d_other, d_comments, d_people
    FROM (SELECT c_unit AS unit_id, true AS own
          UNION ALL
          SELECT above, false FROM units u, unnest(u.ancestors) AS above WHERE u.id = c_unit) AS k,
         unnest(CASE WHEN c_part = 0 THEN '{0}'::smallint[] ELSE ARRAY[c_part, 0::smallint] END) AS p;
END $$;

CREATE OR REPLACE FUNCTION consultation_opinion_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.unit_id IS NOT DISTINCT FROM NEW.unit_id THEN
        PERFORM consultation_tally_add(NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
            (NEW.opinion = 'agree')::int - (OLD.opinion = 'agree')::int,
            (NEW.opinion = 'disagree')::int - (OLD.opinion = 'disagree')::int,
            (NEW.opinion = 'other')::int - (OLD.opinion = 'other')::int,
            (NEW.comment IS NOT NULL)::int - (OLD.comment IS NOT NULL)::int, 0);
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM consultation_tally_add(OLD.consultation_id, OLD.part, COALESCE(OLD.unit_id, 0),
            -(OLD.opinion = 'agree')::int, -(OLD.opinion = 'disagree')::int,
            -(OLD.opinion = 'other')::int, -(OLD.comment IS NOT NULL)::int, 0);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM consultation_tally_add(NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
            (NEW.opinion = 'agree')::int, (NEW.opinion = 'disagree')::int,
            (NEW.opinion = 'other')::int, (NEW.comment IS NOT NULL)::int, 0);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION consultation_people_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM consultation_tally_add(NEW.consultation_id, 0::smallint, COALESCE(NEW.unit_id, 0),
                                       0, 0, 0, 0, 1);
    ELSE
        PERFORM consultation_tally_add(OLD.consultation_id, 0::smallint, COALESCE(OLD.unit_id, 0),
                                       0, 0, 0, 0, -1);
    END IF;
    RETURN NULL;
END $$;

-- What is kept so far: part 0's totals, then the rows above.
SELECT unit_ancestors_refresh();
INSERT INTO consultation_tallies (consultation_id, part, unit_id, agree, disagree, other, comments)
SELECT consultation_id, 0, unit_id, sum(agree), sum(disagree), sum(other), sum(comments)
FROM consultation_tallies WHERE part > 0 GROUP BY consultation_id, unit_id;
SELECT consultation_rollups_rebuild();
