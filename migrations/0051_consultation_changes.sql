-- An answer wrote its counts into the kept tallies for its unit and every unit above, for its part
-- and again for part 0's totals: four rows and a read of the units above, in the answer's own
-- transaction, a third of its time on the server. Now an answer writes one row of differences to
-- `consultation_changes`; the upkeep folds the changes into the tallies, set-based, and a read
-- adds the changes not yet folded, counted where a fold would count them.

CREATE TABLE consultation_changes (
    consultation_id bigint NOT NULL,
    part smallint NOT NULL,
    unit_id bigint NOT NULL,
    agree int NOT NULL DEFAULT 0,
    disagree int NOT NULL DEFAULT 0,
    other int NOT NULL DEFAULT 0,
    comments int NOT NULL DEFAULT 0,
    people int NOT NULL DEFAULT 0
);
-- A results read takes one consultation's changes; the table stays short between folds.
CREATE INDEX consultation_changes_key ON consultation_changes (consultation_id);
-- Each fold leaves every row it took dead: vacuumed as the inbox is (0050), not after a fifth.
ALTER TABLE consultation_changes SET (autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0, vacuum_truncate = false);

-- Where a change of `c_part` (0: a person counted or not) in `c_unit` counts: its unit (`own`)
-- and each unit above it, for its part and for part 0's totals. Folds and reads both ask it.
CREATE FUNCTION consultation_counted(c_part smallint, c_unit bigint)
RETURNS TABLE (at_part smallint, at_unit bigint, own boolean) LANGUAGE sql STABLE AS $$
    SELECT p, k.unit_id, k.own
    FROM (SELECT c_unit AS unit_id, true AS own
          UNION ALL
          SELECT above, false FROM units u, unnest(u.ancestors) AS above WHERE u.id = c_unit) AS k,
         unnest(CASE WHEN c_part = 0 THEN '{0}'::smallint[] ELSE ARRAY[c_part, 0::smallint] END) AS p
$$;

-- Moves every change into the tallies; returns how many it took. It first waits out a rebuild of
-- the rows above (`units_moved`), so each change counts under the tree that rebuild left. Two
-- folds at once each take the rows they deleted: a row the other deleted first is skipped.
CREATE FUNCTION consultation_changes_fold() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    taken bigint;
BEGIN
    LOCK TABLE consultation_tallies IN ROW EXCLUSIVE MODE;
    WITH gone AS (DELETE FROM consultation_changes RETURNING *),
    added AS (
        INSERT INTO consultation_tallies
            (consultation_id, part, unit_id, own, agree, disagree, other, comments, people)
        SELECT g.consultation_id, k.at_part, k.at_unit, k.own, sum(g.agree), sum(g.disagree),
               sum(g.other), sum(g.comments), sum(g.people)
        FROM gone g, consultation_counted(g.part, g.unit_id) k
        GROUP BY 1, 2, 3, 4)
    SELECT count(*) INTO taken FROM gone;
    RETURN taken;
END $$;

CREATE OR REPLACE FUNCTION consultation_opinion_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.unit_id IS NOT DISTINCT FROM NEW.unit_id THEN
        INSERT INTO consultation_changes
            (consultation_id, part, unit_id, agree, disagree, other, comments)
        VALUES (NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
                (NEW.opinion = 'agree')::int - (OLD.opinion = 'agree')::int,
                (NEW.opinion = 'disagree')::int - (OLD.opinion = 'disagree')::int,
                (NEW.opinion = 'other')::int - (OLD.opinion = 'other')::int,
                (NEW.comment IS NOT NULL)::int - (OLD.comment IS NOT NULL)::int);
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO consultation_changes
            (consultation_id, part, unit_id, agree, disagree, other, comments)
        VALUES (OLD.consultation_id, OLD.part, COALESCE(OLD.unit_id, 0),
                -(OLD.opinion = 'agree')::int, -(OLD.opinion = 'disagree')::int,
                -(OLD.opinion = 'other')::int, -(OLD.comment IS NOT NULL)::int);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO consultation_changes
            (consultation_id, part, unit_id, agree, disagree, other, comments)
        VALUES (NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
                (NEW.opinion = 'agree')::int, (NEW.opinion = 'disagree')::int,
                (NEW.opinion = 'other')::int, (NEW.comment IS NOT NULL)::int);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION consultation_people_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO consultation_changes (consultation_id, part, unit_id, people)
        VALUES (NEW.consultation_id, 0, COALESCE(NEW.unit_id, 0), 1);
    ELSE
        INSERT INTO consultation_changes (consultation_id, part, unit_id, people)
        VALUES (OLD.consultation_id, 0, COALESCE(OLD.unit_id, 0), -1);
    END IF;
    RETURN NULL;
END $$;

DROP FUNCTION consultation_tally_add(bigint, smallint, bigint, int, int, int, int, int);
