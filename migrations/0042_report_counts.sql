-- The quarterly report's figures kept as models and activities change, as notice_counts keeps a
-- notice's reach (0040): rows of ±n by unit, sector and kind, each counting in the quarters from
-- `since` until before `until` (first days of quarters), summed on read and squashed by `serve`.
-- An activity counts in the quarter it was held; a model from the quarter it started until the
-- quarter it stopped (a model stopped on a day no longer counts at the end of that quarter).
CREATE TABLE report_counts (
    unit_id bigint NOT NULL,
    sector text NOT NULL,
    kind text NOT NULL,
    since date NOT NULL,
    until date NOT NULL,
    n bigint NOT NULL
);
CREATE INDEX report_counts_key ON report_counts (unit_id, since, sector, kind, until);

CREATE FUNCTION quarter_of(day date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$ SELECT date_trunc('quarter', day)::date $$;

-- What an activity or a model counts as: the one definition, for the triggers and the recount.
CREATE FUNCTION activity_kinds(held_on date, participants integer, deleted_at timestamptz)
RETURNS TABLE (kind text, since date, until date, n bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT k.kind, quarter_of(held_on), (quarter_of(held_on) + interval '3 months')::date, k.n
    FROM (VALUES ('activities', 1::bigint), ('participants', COALESCE(participants, 0)::bigint)) AS k (kind, n)
    WHERE deleted_at IS NULL
$$;
CREATE FUNCTION model_kinds(started_on date, stopped_on date, deleted_at timestamptz)
RETURNS TABLE (kind text, since date, until date, n bigint)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'models', quarter_of(started_on), COALESCE(quarter_of(stopped_on), 'infinity'), 1::bigint
    WHERE deleted_at IS NULL
$$;

INSERT INTO report_counts (unit_id, sector, kind, since, until, n)
SELECT a.unit_id, a.sector, k.kind, k.since, k.until, sum(k.n)
FROM activities a, activity_kinds(a.held_on, a.participants, a.deleted_at) k
GROUP BY 1, 2, 3, 4, 5
UNION ALL
SELECT m.unit_id, m.sector, k.kind, k.since, k.until, sum(k.n)
FROM models m, model_kinds(m.started_on, m.stopped_on, m.deleted_at) k
GROUP BY 1, 2, 3, 4, 5;

-- Statement triggers over the transition tables: a bulk load adds a row per unit, sector, kind
-- and quarter. An update takes the old rows' counts back and adds the new ones'.
CREATE FUNCTION report_counts_activities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO report_counts (unit_id, sector, kind, since, until, n)
        SELECT r.unit_id, r.sector, k.kind, k.since, k.until, -sum(k.n)
        FROM old_rows r, activity_kinds(r.held_on, r.participants, r.deleted_at) k
        GROUP BY 1, 2, 3, 4, 5;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO report_counts (unit_id, sector, kind, since, until, n)
        SELECT r.unit_id, r.sector, k.kind, k.since, k.until, sum(k.n)
        FROM new_rows r, activity_kinds(r.held_on, r.participants, r.deleted_at) k
        GROUP BY 1, 2, 3, 4, 5;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_counts_activities_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_activities();
CREATE TRIGGER report_counts_activities_update AFTER UPDATE ON activities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_activities();
CREATE TRIGGER report_counts_activities_delete AFTER DELETE ON activities
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_activities();

CREATE FUNCTION report_counts_models() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO report_counts (unit_id, sector, kind, since, until, n)
        SELECT r.unit_id, r.sector, k.kind, k.since, k.until, -sum(k.n)
        FROM old_rows r, model_kinds(r.started_on, r.stopped_on, r.deleted_at) k
        GROUP BY 1, 2, 3, 4, 5;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO report_counts (unit_id, sector, kind, since, until, n)
        SELECT r.unit_id, r.sector, k.kind, k.since, k.until, sum(k.n)
        FROM new_rows r, model_kinds(r.started_on, r.stopped_on, r.deleted_at) k
        GROUP BY 1, 2, 3, 4, 5;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER report_counts_models_insert AFTER INSERT ON models
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_models();
CREATE TRIGGER report_counts_models_update AFTER UPDATE ON models
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_counts_models();
CREATE TRIGGER report_counts_models_delete AFTER DELETE ON models
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_counts_models();
