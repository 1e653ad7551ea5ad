-- "1+10", second part. A household may be found by where it is (its village group and address,
-- as residents write them), so residents without a cadre's code can say which one is theirs and
-- several share it; staff then assign it a cadre. A visit logged by a cadre names the household,
-- so the commune counts visits per month and the quarterly report says how many there were.
ALTER TABLE households
    ADD COLUMN village text,
    ADD COLUMN address text,
    -- The village group and address folded (no diacritics, lower case, single spaces): one
    -- household per place in a unit, however it was typed.
    ADD COLUMN place_key text;
CREATE UNIQUE INDEX households_place ON households (unit_id, place_key) WHERE place_key IS NOT NULL;
CREATE INDEX households_unit ON households (unit_id);

ALTER TABLE activities ADD COLUMN household_id bigint REFERENCES households (id);
CREATE INDEX activities_household ON activities (household_id, held_on) WHERE household_id IS NOT NULL;
