-- Sectors of "Dân vận khéo" models and activities: data, not code. Aliases are folded forms people type.
CREATE TABLE sectors (
    code     text PRIMARY KEY,
    name     text NOT NULL,
    name_en  text NOT NULL,
    aliases  text[] NOT NULL DEFAULT '{}',
    position integer NOT NULL
);
INSERT INTO sectors (code, name, name_en, aliases, position) VALUES
    ('kt', 'Kinh tế', 'Economy', '{kt,kinh te}', 1),
    ('vhxh', 'Văn hóa – xã hội', 'Culture and society', '{vhxh,vh xh,van hoa,xa hoi,van hoa xa hoi}', 2),
    ('qpan', 'Quốc phòng – an ninh', 'Defence and security', '{qpan,qp an,quoc phong,an ninh,quoc phong an ninh}', 3),
    ('xdhtct', 'Xây dựng hệ thống chính trị', 'Building the political system',
     '{xdhtct,htct,he thong chinh tri,xay dung he thong chinh tri}', 4);

-- Activities cadres log: an event on a date in a unit, optionally part of a model.
CREATE TABLE activities (
    id            bigserial PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES units (id),
    sector        text NOT NULL REFERENCES sectors (code),
    title         text NOT NULL,
    held_on       date NOT NULL,
    participants  integer CHECK (participants >= 0),
    -- Platform file ids of the photos, full resolution, fetched on demand.
    photos        text[] NOT NULL DEFAULT '{}',
    latitude      double precision,
    longitude     double precision,
    created_by    bigint REFERENCES people (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- Soft delete: reports skip it, the audit keeps who and when.
    deleted_at    timestamptz
);
CREATE INDEX activities_unit_date ON activities (unit_id, held_on) WHERE deleted_at IS NULL;
CREATE INDEX activities_author ON activities (created_by, id);

-- Who changed what in the logs.
CREATE TABLE log_audit (
    id        bigserial PRIMARY KEY,
    entity    text NOT NULL,
    entity_id bigint NOT NULL,
    person_id bigint REFERENCES people (id) ON DELETE SET NULL,
    action    text NOT NULL CHECK (action IN ('create', 'edit', 'delete')),
    before    jsonb,
    after     jsonb,
    at        timestamptz NOT NULL DEFAULT now()
);
