-- A one-time password works for a while after it is given (`password_set_at`), and a login can be
-- disabled (`danvan admin disable`): a disabled login signs in nowhere and its sessions end.
ALTER TABLE staff_logins
    ADD COLUMN password_set_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN disabled_at     timestamptz;
