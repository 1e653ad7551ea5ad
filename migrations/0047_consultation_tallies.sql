-- A consultation's kept counts had a row per kind (agree, disagree, other, comment, people): a
-- province's results summed about 4,200 rows (8 parts × 126 communes × 4 kinds), and a changed
-- answer wrote up to four. One row per part and unit now carries every kind in its own column, so
-- the same results sum about 1,100 rows and every change writes one. Squashed as before
-- (`store/counts.rs`); part 0 carries the people who answered anything.
CREATE TABLE consultation_tallies (
    consultation_id bigint NOT NULL,
    part smallint NOT NULL,
    unit_id bigint NOT NULL,
    agree bigint NOT NULL DEFAULT 0,
    disagree bigint NOT NULL DEFAULT 0,
    other bigint NOT NULL DEFAULT 0,
    comments bigint NOT NULL DEFAULT 0,
    people bigint NOT NULL DEFAULT 0
);
INSERT INTO consultation_tallies (consultation_id, part, unit_id, agree, disagree, other, comments, people)
SELECT consultation_id, part, unit_id,
       COALESCE(sum(n) FILTER (WHERE kind = 'agree'), 0),
       COALESCE(sum(n) FILTER (WHERE kind = 'disagree'), 0),
       COALESCE(sum(n) FILTER (WHERE kind = 'other'), 0),
       COALESCE(sum(n) FILTER (WHERE kind = 'comment'), 0),
       COALESCE(sum(n) FILTER (WHERE kind = 'people'), 0)
FROM consultation_counts GROUP BY 1, 2, 3;
CREATE INDEX consultation_tallies_key ON consultation_tallies (consultation_id, part, unit_id);

-- An answer changed in place (same unit) is one row of differences; a move between units, or an
-- insert or delete, a row for each side.
CREATE OR REPLACE FUNCTION consultation_opinion_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.unit_id IS NOT DISTINCT FROM NEW.unit_id THEN
        INSERT INTO consultation_tallies (consultation_id, part, unit_id, agree, disagree, other, comments)
        VALUES (NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
                (NEW.opinion = 'agree')::int - (OLD.opinion = 'agree')::int,
                (NEW.opinion = 'disagree')::int - (OLD.opinion = 'disagree')::int,
                (NEW.opinion = 'other')::int - (OLD.opinion = 'other')::int,
                (NEW.comment IS NOT NULL)::int - (OLD.comment IS NOT NULL)::int);
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO consultation_tallies (consultation_id, part, unit_id, agree, disagree, other, comments)
        VALUES (OLD.consultation_id, OLD.part, COALESCE(OLD.unit_id, 0),
                -(OLD.opinion = 'agree')::int, -(OLD.opinion = 'disagree')::int,
                -(OLD.opinion = 'other')::int, -(OLD.comment IS NOT NULL)::int);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO consultation_tallies (consultation_id, part, unit_id, agree, disagree, other, comments)
        VALUES (NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0),
                (NEW.opinion = 'agree')::int, (NEW.opinion = 'disagree')::int,
                (NEW.opinion = 'other')::int, (NEW.comment IS NOT NULL)::int);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION consultation_people_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO consultation_tallies (consultation_id, part, unit_id, people)
        VALUES (NEW.consultation_id, 0, COALESCE(NEW.unit_id, 0), 1);
    ELSE
        INSERT INTO consultation_tallies (consultation_id, part, unit_id, people)
        VALUES (OLD.consultation_id, 0, COALESCE(OLD.unit_id, 0), -1);
    END IF;
    RETURN NULL;
END $$;

DROP TABLE consultation_counts;
