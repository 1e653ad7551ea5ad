-- Short surveys of residents' views. The definition (texts per language, questions, show_if) is the
-- committee's TOML as parsed; it cannot change once the survey opens (a new version replaces it).
CREATE TABLE surveys (
    id          bigserial PRIMARY KEY,
    replaces    bigint REFERENCES surveys (id),
    definition  jsonb NOT NULL,
    unit_ids    bigint[] NOT NULL,
    roles       text[] NOT NULL DEFAULT '{}',
    anonymous   boolean NOT NULL,
    sensitive   boolean NOT NULL,
    opens_at    timestamptz NOT NULL,
    closes_at   timestamptz NOT NULL CHECK (closes_at > opens_at),
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    opened_at   timestamptz,
    closed_at   timestamptz
);

-- Who was invited and how far they got: never what they answered.
CREATE TABLE survey_invitations (
    survey_id   bigint NOT NULL REFERENCES surveys (id),
    person_id   bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    unit_id     bigint REFERENCES units (id),
    started     boolean NOT NULL DEFAULT false,
    finished    boolean NOT NULL DEFAULT false,
    reminded_at timestamptz,
    PRIMARY KEY (survey_id, person_id)
);
CREATE INDEX survey_invitations_unit ON survey_invitations (survey_id, unit_id);
CREATE INDEX survey_invitations_person ON survey_invitations (person_id);

-- Answers given so far, while a person answers; deleted when they submit, refuse, or the survey closes.
CREATE TABLE survey_progress (
    survey_id  bigint NOT NULL REFERENCES surveys (id),
    person_id  bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    draft      jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survey_id, person_id)
);
CREATE INDEX survey_progress_person ON survey_progress (person_id);

-- The separate, explicit consent a sensitive survey asks for before its first question.
CREATE TABLE survey_consents (
    survey_id    bigint NOT NULL REFERENCES surveys (id),
    person_id    bigint NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    consented_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (survey_id, person_id)
);
CREATE INDEX survey_consents_person ON survey_consents (person_id);

-- Complete responses. `pseudonym` is HMAC-SHA256(key, survey id, person id): one response per person
-- without naming anyone. Only named surveys keep the person and the time; ids are random, so neither
-- order nor time ties an anonymous response to a chat.
CREATE TABLE survey_responses (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    survey_id    bigint NOT NULL REFERENCES surveys (id),
    pseudonym    bytea NOT NULL,
    person_id    bigint REFERENCES people (id) ON DELETE CASCADE,
    unit_id      bigint REFERENCES units (id),
    language     text NOT NULL,
    channel      text NOT NULL,
    submitted_at timestamptz,
    UNIQUE (survey_id, pseudonym)
);
CREATE INDEX survey_responses_person ON survey_responses (person_id) WHERE person_id IS NOT NULL;

-- Anonymous responses wait here, without the person, until a batch of them is stored together in
-- random order: the transaction that stores a response then holds nothing of the chat it came from.
CREATE TABLE survey_pending (
    survey_id   bigint NOT NULL REFERENCES surveys (id),
    pseudonym   bytea NOT NULL,
    unit_id     bigint,
    language    text NOT NULL,
    channel     text NOT NULL,
    answers     jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (survey_id, pseudonym)
);

-- One row per answered question, one per chosen option for a multiple choice; skipped ones have none.
-- The survey and unit are the response's, copied so free-text answers of a scope are found by index.
CREATE TABLE survey_answers (
    response_id uuid NOT NULL REFERENCES survey_responses (id) ON DELETE CASCADE,
    survey_id   bigint NOT NULL,
    unit_id     bigint,
    question    text NOT NULL,
    choice      text,
    number      bigint,
    text        text
);
CREATE INDEX survey_answers_response ON survey_answers (response_id);
CREATE INDEX survey_answers_texts ON survey_answers (survey_id, question) WHERE text IS NOT NULL;

-- Counts kept with every response (and taken back when a named one is erased), so results over a
-- million responses read a few thousand rows: per unit, question and choice ('' = answered the
-- question; a number answer counts under its value; question '*' counts responses).
CREATE TABLE survey_tallies (
    survey_id bigint NOT NULL REFERENCES surveys (id),
    unit_id   bigint NOT NULL,
    question  text NOT NULL,
    choice    text NOT NULL,
    count     bigint NOT NULL,
    PRIMARY KEY (survey_id, unit_id, question, choice)
);

-- The key of the pseudonyms when DANVAN_SURVEY_KEY is not set (better kept outside the database).
CREATE TABLE settings (
    name  text PRIMARY KEY,
    value bytea NOT NULL
);
