-- Residents' questions, reports (phản ánh) and suggestions (kiến nghị), tracked to an answer.

-- What a report is about: data, not code. `answer_days` is the working days the commune has to
-- answer; an urgent category must be accepted within 4 working hours instead of 8.
CREATE TABLE ticket_categories (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    name_en     text NOT NULL,
    answer_days integer NOT NULL CHECK (answer_days > 0),
    urgent      boolean NOT NULL DEFAULT false,
    position    integer NOT NULL
);
INSERT INTO ticket_categories (code, name, name_en, answer_days, urgent, position) VALUES
    ('moi_truong', 'Môi trường', 'Environment', 3, false, 1),
    ('trat_tu', 'An ninh, trật tự', 'Public order', 3, false, 2),
    ('ha_tang', 'Hạ tầng – giao thông', 'Roads and infrastructure', 3, false, 3),
    ('an_sinh', 'An sinh xã hội', 'Social welfare', 3, false, 4),
    ('khan_cap', 'Khẩn cấp (nguy hiểm đến người, tài sản)', 'Urgent (danger to people or property)', 1, true, 5),
    ('khac', 'Khác', 'Other', 3, false, 6);

-- Days off besides weekends. Fixed-date holidays come back every year (month, day); the lunar ones
-- (Tết, Giỗ Tổ Hùng Vương) and the days the government swaps are entered per year as dates
-- (`danvan tickets holiday add`).
CREATE TABLE yearly_holidays (
    month smallint NOT NULL CHECK (month BETWEEN 1 AND 12),
    day   smallint NOT NULL CHECK (day BETWEEN 1 AND 31),
    name  text NOT NULL,
    PRIMARY KEY (month, day)
);
INSERT INTO yearly_holidays (month, day, name) VALUES
    (1, 1, 'Tết Dương lịch'),
    (4, 30, 'Ngày Giải phóng miền Nam, thống nhất đất nước'),
    (5, 1, 'Ngày Quốc tế Lao động'),
    (9, 1, 'Quốc khánh'),
    (9, 2, 'Quốc khánh');
CREATE TABLE holidays (
    day  date PRIMARY KEY,
    name text NOT NULL
);

-- Short codes (PA-0123) count per province.
CREATE TABLE ticket_counters (
    province_id bigint PRIMARY KEY REFERENCES units (id),
    last        integer NOT NULL
);

CREATE TABLE tickets (
    id             bigserial PRIMARY KEY,
    province_id    bigint NOT NULL REFERENCES units (id),
    number         integer NOT NULL,
    -- The unit that must answer: the resident's commune, the one holding the location, or where
    -- staff transferred it.
    unit_id        bigint NOT NULL REFERENCES units (id),
    -- Gone when the person erases their data (the ticket's text goes too; its counts stay).
    person_id      bigint REFERENCES people (id) ON DELETE SET NULL,
    -- Staff see "a resident" instead of who; the ticket still answers them in chat.
    anonymous      boolean NOT NULL DEFAULT false,
    kind           text NOT NULL CHECK (kind IN ('question', 'report', 'suggestion')),
    category       text REFERENCES ticket_categories (code),
    notice_id      bigint REFERENCES notices (id),
    text           text NOT NULL,
    photos         text[] NOT NULL DEFAULT '{}',
    photos_channel text,
    latitude       double precision,
    longitude      double precision,
    status         text NOT NULL DEFAULT 'received'
                   CHECK (status IN ('received', 'accepted', 'needs_info', 'answered', 'closed', 'rejected')),
    urgent         boolean NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL,
    accept_due     timestamptz NOT NULL,
    answer_due     timestamptz NOT NULL,
    accepted_at    timestamptz,
    answered_at    timestamptz,
    closed_at      timestamptz,
    answer         text,
    satisfied      boolean,
    rating_comment text,
    rated_at       timestamptz,
    reopened       integer NOT NULL DEFAULT 0,
    UNIQUE (province_id, number)
);
-- The staff queue: a unit's open tickets by due date, read through the index.
CREATE INDEX tickets_queue ON tickets (unit_id, answer_due, id)
    WHERE status IN ('received', 'accepted', 'needs_info');
CREATE INDEX tickets_unit_created ON tickets (unit_id, created_at);
CREATE INDEX tickets_person ON tickets (person_id, created_at DESC);

-- What happened to a ticket, in order: who did what, with what words.
CREATE TABLE ticket_events (
    id        bigserial PRIMARY KEY,
    ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    at        timestamptz NOT NULL,
    action    text NOT NULL,
    -- "resident", "person:ID" (staff in chat), "login:NAME" (dashboard) or "cli".
    actor     text NOT NULL,
    text      text,
    unit_id   bigint REFERENCES units (id)
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
