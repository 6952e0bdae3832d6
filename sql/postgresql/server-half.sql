-- The server's half of a detection budget B: PostgreSQL notices a client that vanished within B, idle or busy.
--
--   psql -v budget=30 -h HOST -U SUPERUSER -d postgres -f sql/postgresql/server-half.sql
--
-- B in whole seconds, at least 4, as the library requires. Needs a superuser (or a role granted ALTER SYSTEM on these
-- parameters, PG 15+); psql only (the numbers are computed by psql's \gset: ALTER SYSTEM takes literals, not
-- expressions, and cannot run inside a DO block). Written to postgresql.auto.conf, so it survives a restart; takes
-- effect for new sessions.
-- The same rule as the client side (README): idle B/3, interval max(1, B/9), count 3, in whole seconds.
-- B = 30 s: idle 10 s, interval 3 s, count 3, tcp_user_timeout 19 s, client_connection_check_interval 10 s.
-- Undo: ALTER SYSTEM RESET for each of the five, then SELECT pg_reload_conf();
--
-- Not liveness but policy: idle_session_timeout and idle_in_transaction_session_timeout end sessions that are alive
-- and merely idle (a pool's idle connections, a forgotten transaction); this file leaves them alone.
\set ON_ERROR_STOP on

\if :{?budget}
\else
DO $$ BEGIN RAISE EXCEPTION 'no budget: run psql -v budget=SECONDS -f server-half.sql'; END $$;
\endif

SELECT :budget::int >= 4 AS budget_ok,
       :budget::int / 3 AS keepalive_idle,
       greatest(1, :budget::int / 9) AS keepalive_interval,
       3 AS keepalive_count,
       (:budget::int / 3 + 3 * greatest(1, :budget::int / 9)) * 1000 AS user_timeout_ms,
       :budget::int * 1000 / 3 AS check_interval_ms
\gset
\if :budget_ok
\else
DO $$ BEGIN RAISE EXCEPTION 'the budget must be at least 4 seconds'; END $$;
\endif

-- Idle this long (s), the server's socket starts keepalive probes: a client that vanished while the session idles.
ALTER SYSTEM SET tcp_keepalives_idle = :keepalive_idle;
-- Seconds between unanswered probes.
ALTER SYSTEM SET tcp_keepalives_interval = :keepalive_interval;
-- Unanswered probes before the kernel drops the connection: dead after idle + count x interval, within B.
ALTER SYSTEM SET tcp_keepalives_count = :keepalive_count;
-- Data the server sent that stays unacknowledged this long (ms) ends the connection (Linux, PG 12+): a client that
-- vanished while a result was on its way, which keepalive does not cover. Set to idle + count x interval, not B:
-- Linux lets TCP_USER_TIMEOUT replace the probe count on an idle socket too, and with B the socket would die at the
-- first probe after B, up to one interval late.
ALTER SYSTEM SET tcp_user_timeout = :user_timeout_ms;
-- While a query runs, check this often (ms) that the client's socket is still open, and cancel the query if not
-- (PG 14+, Linux): without it a long query runs to its end for a client that is gone.
ALTER SYSTEM SET client_connection_check_interval = :check_interval_ms;

SELECT pg_reload_conf();
