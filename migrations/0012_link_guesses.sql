-- Wrong link codes from every chat together: a fresh web-chat visitor costs an attacker nothing, so
-- guesses are limited overall as well as per chat (`domain::link::WRONG_CODES_OVERALL`).
CREATE TABLE link_guesses (
    at timestamptz NOT NULL
);
CREATE INDEX link_guesses_at ON link_guesses (at);
