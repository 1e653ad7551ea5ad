-- Each opinion's foreign key to its consultation locked that one row (FOR KEY SHARE) in every
-- answer's transaction: with answers coming in at once, each lock made a new multixact of every
-- transaction holding it. The answer's own statement ran 4,790 times a second with 8 clients, and
-- 6,631 without that key (pgbench on `bench consultation`'s database). An opinion now refers to
-- its person's row in the consultation, which only that person's answers lock; that row refers to
-- the consultation and the person, so deleting either still deletes the opinions, and a person's
-- row moved to another person (two chats linked) takes the opinions along.

-- Not expected, but an opinion without its person's row would stop the key: give it one.
INSERT INTO consultation_people (consultation_id, person_id, unit_id)
SELECT DISTINCT ON (consultation_id, person_id) consultation_id, person_id, unit_id
FROM consultation_opinions o
WHERE NOT EXISTS (SELECT 1 FROM consultation_people p
                  WHERE p.consultation_id = o.consultation_id AND p.person_id = o.person_id);

ALTER TABLE consultation_opinions
    DROP CONSTRAINT consultation_opinions_consultation_id_fkey,
    DROP CONSTRAINT consultation_opinions_person_id_fkey,
    ADD CONSTRAINT consultation_opinions_person_fkey FOREIGN KEY (consultation_id, person_id)
        REFERENCES consultation_people (consultation_id, person_id)
        ON DELETE CASCADE ON UPDATE CASCADE;
