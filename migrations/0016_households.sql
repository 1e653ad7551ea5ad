-- "Dân vận khéo 1+10": each cadre accompanies about ten households. Residents join their household
-- with the cadre's code and their consent; the cadre sees, for the latest notice and the open
-- consultation, how many in each household read or answered (never what), and may remind them.

CREATE TABLE households (
    id bigserial PRIMARY KEY,
    unit_id bigint NOT NULL REFERENCES units (id),
    cadre_id bigint REFERENCES people (id) ON DELETE SET NULL,
    name text NOT NULL,
    join_code text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX households_cadre ON households (cadre_id);

-- One household a person, joined with consent.
CREATE TABLE household_members (
    household_id bigint NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    person_id bigint NOT NULL UNIQUE REFERENCES people (id) ON DELETE CASCADE,
    consented_at timestamptz NOT NULL,
    PRIMARY KEY (household_id, person_id)
);

-- At most one reminder a day per household and item ("notice:12", "consultation:3").
CREATE TABLE household_reminders (
    household_id bigint NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    item text NOT NULL,
    day date NOT NULL,
    PRIMARY KEY (household_id, item, day)
);
