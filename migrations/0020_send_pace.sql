-- Each channel account's pace, shared by every process that sends for it: the next send slot no
-- process has reserved yet and the pause its platform asked for, both on the database's clock.
-- Kept in one process's memory, two `serve` processes sent a notice to one bot at twice its rate,
-- and went on sending through a pause that only one of them had been told.
CREATE TABLE send_pace (
    channel text PRIMARY KEY,
    next_slot_at timestamptz NOT NULL DEFAULT now(),
    paused_until timestamptz
);
