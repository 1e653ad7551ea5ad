-- What the quarterly review asks of a model beyond its name, and which model an activity belongs to.
ALTER TABLE models
    ADD COLUMN description text,
    ADD COLUMN lead_org    text,
    -- 'stopped' also sets stopped_on; a stopped model no longer counts from that day.
    ADD COLUMN status      text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'maintained', 'stopped'));

ALTER TABLE activities
    ADD COLUMN model_id      bigint REFERENCES models (id),
    ADD COLUMN beneficiaries integer CHECK (beneficiaries >= 0),
    ADD COLUMN note          text;
CREATE INDEX activities_model ON activities (model_id) WHERE model_id IS NOT NULL;
CREATE INDEX models_unit_sector ON models (unit_id, sector, id) WHERE deleted_at IS NULL;
