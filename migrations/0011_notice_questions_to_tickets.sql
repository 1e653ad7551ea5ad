-- A question under a notice is a ticket like any other (a question with the notice it is about),
-- answered from the same queue. Questions kept so far become tickets, numbered on from each
-- province's counter; answered ones carry their answer. Then the old table goes.

CREATE TEMPORARY TABLE moved ON COMMIT DROP AS
WITH RECURSIVE up AS (
    SELECT q.id AS question_id, u.id, u.parent_id
    FROM notice_questions q JOIN units u ON u.id = q.unit_id
    UNION ALL
    SELECT up.question_id, u.id, u.parent_id FROM up JOIN units u ON u.id = up.parent_id
)
SELECT q.*, up.id AS province_id,
       COALESCE(c.last, 0) + row_number() OVER (PARTITION BY up.id ORDER BY q.id) AS number
FROM notice_questions q
JOIN up ON up.question_id = q.id AND up.parent_id IS NULL
LEFT JOIN ticket_counters c ON c.province_id = up.id;
-- A question with no unit (asked by someone who had none) has nowhere to go and is left behind.

-- Their deadlines were never set; a day to accept and three to answer, counted from the asking,
-- stand in for office hours that SQL cannot count.
INSERT INTO tickets (province_id, number, unit_id, person_id, kind, notice_id, text, status,
                     created_at, accept_due, answer_due, accepted_at, answered_at, answer)
SELECT province_id, number, unit_id, person_id, 'question', notice_id, text,
       CASE WHEN answered_at IS NULL THEN 'received' ELSE 'answered' END,
       asked_at, asked_at + interval '1 day', asked_at + interval '3 days',
       answered_at, answered_at, answer
FROM moved;

INSERT INTO ticket_events (ticket_id, at, action, actor, text, unit_id)
SELECT t.id, m.asked_at, 'received', 'resident', NULL, t.unit_id
FROM moved m JOIN tickets t ON t.province_id = m.province_id AND t.number = m.number
UNION ALL
SELECT t.id, m.answered_at, 'answer', COALESCE('person:' || m.answered_by, 'cli'), m.answer, t.unit_id
FROM moved m JOIN tickets t ON t.province_id = m.province_id AND t.number = m.number
WHERE m.answered_at IS NOT NULL;

INSERT INTO ticket_counters (province_id, last)
SELECT province_id, max(number) FROM moved GROUP BY province_id
ON CONFLICT (province_id) DO UPDATE SET last = excluded.last;

-- Chats left asking or answering the old way start again from the menu.
UPDATE chats SET state = '{"step": "idle"}'::jsonb
WHERE state->>'step' IN ('ask_about_notice', 'answer_question');

DROP TABLE notice_questions;

CREATE INDEX tickets_notice ON tickets (notice_id) WHERE notice_id IS NOT NULL;
