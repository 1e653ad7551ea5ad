-- What handling an event reads about a chat's person besides the chat itself: their unit,
-- subscription, grants, and whether a notice may be waiting that no chat of theirs could take.
-- Three statements lock a chat and read this with it (an event claimed by the engine, a batch
-- claimed from the inbox, a chat locked alone); the view keeps the reading in one place, and
-- PostgreSQL folds it into each statement as if written there.

CREATE VIEW chat_people AS
SELECT p.id AS person_id, p.unit_id, p.subscribed,
       COALESCE((SELECT json_agg(json_build_object('role', g.role, 'unit_id', g.unit_id))
                 FROM role_grants g WHERE g.person_id = p.id), '[]') AS grants,
       EXISTS (SELECT 1 FROM deliveries d
               WHERE d.person_id = p.id AND d.status = 'undeliverable') AS may_have_missed
FROM people p;
