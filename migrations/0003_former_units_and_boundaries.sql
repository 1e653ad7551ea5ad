-- Communes and wards before the July 2025 merger, linked to the current units they became part of.
-- A former unit split between new ones has a row for each.
CREATE TABLE former_units (
    unit_id  bigint NOT NULL REFERENCES units (id),
    name     text NOT NULL,
    -- The district it was in, when the official text names one to tell namesakes apart; '' if none.
    district text NOT NULL DEFAULT '',
    -- Only part of the former unit went into this one.
    partial  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (unit_id, name, district)
);

-- Unit boundaries as GeoJSON geometries (Polygon or MultiPolygon, longitude/latitude).
CREATE TABLE unit_boundaries (
    unit_id     bigint PRIMARY KEY REFERENCES units (id),
    geometry    jsonb NOT NULL,
    source      text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now()
);
