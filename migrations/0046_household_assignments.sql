-- "1+10": who gave which household to which cadre and when, and when one was left without a
-- cadre. A household's page shows it; `households.cadre_id` stays what is assigned now.
-- Erasing a person (Law 91) keeps each row, so the number of assignments does not change, but
-- without them: the cadre and the person who assigned become null.
CREATE TABLE household_assignments (
    id bigserial PRIMARY KEY,
    household_id bigint NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    -- True: given to `cadre_id` (null once that person is erased); false: left without one.
    assigned boolean NOT NULL,
    cadre_id bigint REFERENCES people (id) ON DELETE SET NULL,
    -- Who did it: the command line, a dashboard login (a work account, by its name), or a
    -- person in chat (null once erased).
    by_kind text NOT NULL CHECK (by_kind IN ('cli', 'login', 'person')),
    by_login text,
    by_person_id bigint REFERENCES people (id) ON DELETE SET NULL,
    at timestamptz NOT NULL,
    CHECK (assigned OR cadre_id IS NULL),
    CHECK ((by_kind = 'login') = (by_login IS NOT NULL)),
    CHECK (by_kind = 'person' OR by_person_id IS NULL)
);
CREATE INDEX household_assignments_household ON household_assignments (household_id, at);
-- Erasing a person finds their rows by these.
CREATE INDEX household_assignments_cadre ON household_assignments (cadre_id) WHERE cadre_id IS NOT NULL;
CREATE INDEX household_assignments_by ON household_assignments (by_person_id) WHERE by_person_id IS NOT NULL;
