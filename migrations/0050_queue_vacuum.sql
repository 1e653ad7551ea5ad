-- A claim reads the inbox's index of pending rows from its oldest end, past the entry every
-- handled event left there, until VACUUM removes them: after 16,000 handled events a claim of
-- eight took 1.6 ms, on the same rows vacuumed 0.11 ms (`bench telegram`, `pg_stat_statements`
-- and EXPLAIN). The outbox's index of pending replies fills the same way. By default autovacuum
-- waits until a fifth of a table is dead, and the inbox keeps every handled event's key: at ten
-- million events, two million entries to read past on every claim. So both are vacuumed once a
-- few thousand rows have died, without the cost delay, and without truncating the table's empty
-- end (that holds a lock every insert waits for: vacuuming both every 5,000 events so made
-- `bench telegram` 3× slower; without truncating, no slower).

ALTER TABLE inbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                       autovacuum_vacuum_cost_delay = 0, vacuum_truncate = false);
ALTER TABLE outbox SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000,
                        autovacuum_vacuum_cost_delay = 0, vacuum_truncate = false);
