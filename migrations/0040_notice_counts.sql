-- A notice's reach kept as its deliveries change, in the same transaction, so that reading it costs
-- its units, not its million rows: RapidPro's squashed counts, as consultation_counts keeps them
-- (0015). Every statement that writes deliveries adds one row of ±n per notice, unit and kind it
-- changed; reads sum them; `serve` squashes each key's rows into one now and then.

-- A delivery queued for a person's next chat after an earlier one could not take it (blocked, or
-- not deliverable now): the person was counted once already, at the fan-out.
ALTER TABLE deliveries ADD COLUMN rerouted boolean NOT NULL DEFAULT false;
UPDATE deliveries d SET rerouted = true
WHERE d.notice_id IS NOT NULL
  AND EXISTS (SELECT 1 FROM deliveries e
              WHERE e.notice_id = d.notice_id AND e.person_id = d.person_id AND e.id < d.id);

-- What one delivery counts as: the one definition of every figure of a notice's reach, used by the
-- triggers and by the recount alike. Pending includes a send under way; delivered and read count
-- only what was sent (a receipt or "Đã đọc" never makes a failed or blocked send delivered), so
-- sent ≥ delivered ≥ read by construction; each person counts once among those targeted. A send
-- that failed, or was not deliverable, also counts under its reason (the page lists them).
CREATE FUNCTION delivery_kinds(status text, delivered_at timestamptz, read_at timestamptz,
                               rerouted boolean, error text) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[CASE WHEN status = 'sending' THEN 'pending' ELSE status END]
        || CASE WHEN rerouted THEN '{}'::text[] ELSE ARRAY['targeted'] END
        || CASE WHEN status = 'sent' AND (delivered_at IS NOT NULL OR read_at IS NOT NULL)
                THEN ARRAY['delivered'] ELSE '{}'::text[] END
        || CASE WHEN status = 'sent' AND read_at IS NOT NULL THEN ARRAY['read'] ELSE '{}'::text[] END
        || CASE WHEN status IN ('failed', 'undeliverable')
                THEN ARRAY['reason:' || left(COALESCE(error, ''), 200)] ELSE '{}'::text[] END
$$;

CREATE TABLE notice_counts (
    notice_id bigint NOT NULL,
    unit_id bigint NOT NULL,
    kind text NOT NULL,
    n bigint NOT NULL
);
CREATE INDEX notice_counts_key ON notice_counts (notice_id, unit_id, kind);

INSERT INTO notice_counts (notice_id, unit_id, kind, n)
SELECT notice_id, COALESCE(unit_id, 0), k, count(*)
FROM deliveries, unnest(delivery_kinds(status, delivered_at, read_at, rerouted, error)) AS k
WHERE notice_id IS NOT NULL
GROUP BY 1, 2, 3;

-- Statement triggers over the transition tables: a fan-out of a million rows adds one row per unit
-- and kind, and a claim (pending → sending) adds none.
CREATE FUNCTION notice_counts_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO notice_counts (notice_id, unit_id, kind, n)
        SELECT notice_id, COALESCE(unit_id, 0), k, count(*)
        FROM new_rows, unnest(delivery_kinds(status, delivered_at, read_at, rerouted, error)) AS k
        WHERE notice_id IS NOT NULL GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO notice_counts (notice_id, unit_id, kind, n)
        SELECT notice_id, COALESCE(unit_id, 0), k, -count(*)
        FROM old_rows, unnest(delivery_kinds(status, delivered_at, read_at, rerouted, error)) AS k
        WHERE notice_id IS NOT NULL GROUP BY 1, 2, 3;
    ELSE
        INSERT INTO notice_counts (notice_id, unit_id, kind, n)
        SELECT notice_id, unit_id, k, sum(n)
        FROM (SELECT notice_id, COALESCE(unit_id, 0) AS unit_id, k, -1 AS n
              FROM old_rows, unnest(delivery_kinds(status, delivered_at, read_at, rerouted, error)) AS k
              WHERE notice_id IS NOT NULL
              UNION ALL
              SELECT notice_id, COALESCE(unit_id, 0), k, 1
              FROM new_rows, unnest(delivery_kinds(status, delivered_at, read_at, rerouted, error)) AS k
              WHERE notice_id IS NOT NULL) c
        GROUP BY 1, 2, 3 HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER notice_counts_insert AFTER INSERT ON deliveries
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notice_counts_change();
CREATE TRIGGER notice_counts_update AFTER UPDATE ON deliveries
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notice_counts_change();
CREATE TRIGGER notice_counts_delete AFTER DELETE ON deliveries
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION notice_counts_change();
