-- Consultations on a draft ("góp ý dự thảo"): a text in numbered parts that residents answer part
-- by part in chat, with opinions gathered at meetings kept beside them, never mixed in.

CREATE TABLE consultations (
    id bigserial PRIMARY KEY,
    definition jsonb NOT NULL,
    unit_ids bigint[] NOT NULL,
    roles text[] NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    -- Set when it opens.
    opens_at timestamptz,
    closes_at timestamptz,
    -- The page with the whole draft, when danvan has a public address or the file names one.
    link text NOT NULL DEFAULT '',
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The notice that invites residents carries the consultation's button.
ALTER TABLE notices ADD COLUMN consultation_id bigint REFERENCES consultations (id);

-- Who answered anything: one row a person, so "M người" is kept, not counted.
CREATE TABLE consultation_people (
    consultation_id bigint NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    unit_id bigint,
    PRIMARY KEY (consultation_id, person_id)
);

-- One opinion a person and part; changed in place until the consultation closes.
CREATE TABLE consultation_opinions (
    consultation_id bigint NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    part smallint NOT NULL CHECK (part > 0),
    unit_id bigint,
    opinion text NOT NULL CHECK (opinion IN ('agree', 'disagree', 'other')),
    comment text,
    channel text NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (consultation_id, person_id, part)
);
CREATE INDEX consultation_opinions_comments ON consultation_opinions (consultation_id, part, updated_at)
    WHERE comment IS NOT NULL;

-- Kept counts in the manner of RapidPro's squashed counts: every change adds rows of +1/-1 (never
-- an update, so writers never wait for each other), reads sum them per key, and a squash now and
-- then folds each key's rows into one. Part 0 under 'people' counts people.
CREATE TABLE consultation_counts (
    consultation_id bigint NOT NULL,
    part smallint NOT NULL,
    unit_id bigint NOT NULL,
    kind text NOT NULL,
    n bigint NOT NULL
);
CREATE INDEX consultation_counts_key ON consultation_counts (consultation_id, part, unit_id, kind);

CREATE FUNCTION consultation_opinion_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO consultation_counts (consultation_id, part, unit_id, kind, n)
        SELECT OLD.consultation_id, OLD.part, COALESCE(OLD.unit_id, 0), k, -1
        FROM unnest(ARRAY[OLD.opinion] || CASE WHEN OLD.comment IS NULL THEN '{}'::text[]
                                               ELSE ARRAY['comment'] END) AS k;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO consultation_counts (consultation_id, part, unit_id, kind, n)
        SELECT NEW.consultation_id, NEW.part, COALESCE(NEW.unit_id, 0), k, 1
        FROM unnest(ARRAY[NEW.opinion] || CASE WHEN NEW.comment IS NULL THEN '{}'::text[]
                                               ELSE ARRAY['comment'] END) AS k;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER consultation_opinion_counts
    AFTER INSERT OR DELETE OR UPDATE OF opinion, comment, unit_id ON consultation_opinions
    FOR EACH ROW EXECUTE FUNCTION consultation_opinion_counts();

CREATE FUNCTION consultation_people_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO consultation_counts (consultation_id, part, unit_id, kind, n)
        VALUES (NEW.consultation_id, 0, COALESCE(NEW.unit_id, 0), 'people', 1);
    ELSE
        INSERT INTO consultation_counts (consultation_id, part, unit_id, kind, n)
        VALUES (OLD.consultation_id, 0, COALESCE(OLD.unit_id, 0), 'people', -1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER consultation_people_counts
    AFTER INSERT OR DELETE ON consultation_people
    FOR EACH ROW EXECUTE FUNCTION consultation_people_counts();

-- Age group and occupation, only under their own consent, for the published breakdowns.
CREATE TABLE consultation_profiles (
    consultation_id bigint NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    consented_at timestamptz NOT NULL,
    age_group text,
    occupation text,
    PRIMARY KEY (consultation_id, person_id)
);

-- Opinions gathered at a meeting, entered by staff per part: counts and a summary of what was said.
CREATE TABLE consultation_meetings (
    id bigserial PRIMARY KEY,
    consultation_id bigint NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    unit_id bigint NOT NULL REFERENCES units (id),
    held_on date NOT NULL,
    place text NOT NULL,
    attendance integer NOT NULL CHECK (attendance >= 0),
    entered_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE consultation_meeting_parts (
    meeting_id bigint NOT NULL REFERENCES consultation_meetings (id) ON DELETE CASCADE,
    part smallint NOT NULL CHECK (part > 0),
    agree integer NOT NULL DEFAULT 0 CHECK (agree >= 0),
    disagree integer NOT NULL DEFAULT 0 CHECK (disagree >= 0),
    other integer NOT NULL DEFAULT 0 CHECK (other >= 0),
    summary text NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, part)
);
