-- Committee staff signing in to the dashboard. A login acts as an admin of its unit (and everything
-- below it); its first password is one-time and must be changed at the first sign-in.
CREATE TABLE staff_logins (
    id            bigserial PRIMARY KEY,
    name          text NOT NULL UNIQUE,
    unit_id       bigint NOT NULL REFERENCES units (id),
    password_hash text NOT NULL,
    must_change   boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    signed_in_at  timestamptz
);

-- Dashboard sessions, read and written by tower-sessions' PostgreSQL store.
CREATE TABLE web_sessions (
    id          text PRIMARY KEY NOT NULL,
    data        bytea NOT NULL,
    expiry_date timestamptz NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expiry_date);
