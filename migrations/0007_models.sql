-- "Dân vận khéo" models: initiatives registered once and kept up over time.
CREATE TABLE models (
    id          bigserial PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    sector      text NOT NULL REFERENCES sectors (code),
    name        text NOT NULL,
    started_on  date NOT NULL,
    -- Set when the model stops; it counts as built and maintained until then.
    stopped_on  date,
    created_by  bigint REFERENCES people (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);
CREATE INDEX models_unit ON models (unit_id, started_on) WHERE deleted_at IS NULL;
