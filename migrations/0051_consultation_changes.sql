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

-- Whether changes to consultation `c` wait to be folded. A generic plan takes the log's rows for
-- one consultation's (they mostly are) and would read them all to find none of another's.
CREATE FUNCTION consultation_unfolded(c bigint) RETURNS boolean LANGUAGE sql STABLE
SET enable_seqscan = off AS $$
    SELECT EXISTS (SELECT 1 FROM consultation_changes WHERE consultation_id = c)
$$;

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

-- The new row counted in, the old one out: an answer changed in place nets to one row of
-- differences, one moved to another unit leaves a row for each.
CREATE OR REPLACE FUNCTION consultation_opinion_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO consultation_changes
        (consultation_id, part, unit_id, agree, disagree, other, comments)
    SELECT o.consultation_id, o.part, COALESCE(o.unit_id, 0),
           sum(o.sign * (o.opinion = 'agree')::int), sum(o.sign * (o.opinion = 'disagree')::int),
           sum(o.sign * (o.opinion = 'other')::int), sum(o.sign * (o.comment IS NOT NULL)::int)
    FROM (SELECT 1 AS sign, NEW.consultation_id, NEW.part, NEW.unit_id, NEW.opinion, NEW.comment
          WHERE TG_OP <> 'DELETE'
          UNION ALL
          SELECT -1, OLD.consultation_id, OLD.part, OLD.unit_id, OLD.opinion, OLD.comment
          WHERE TG_OP <> 'INSERT') AS o
    GROUP BY 1, 2, 3;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION consultation_people_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    p consultation_people := COALESCE(NEW, OLD);
BEGIN
    INSERT INTO consultation_changes (consultation_id, part, unit_id, people)
    VALUES (p.consultation_id, 0, COALESCE(p.unit_id, 0), CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END);
    RETURN NULL;
END $$;

DROP FUNCTION consultation_tally_add(bigint, smallint, bigint, int, int, int, int, int);
