-- The server's half of a detection budget B on MariaDB (10.3.6+): the server notices a client that vanished within B.
--
--   mariadb --init-command="SET @budget = 30" -h HOST -u ADMIN -p < sql/mariadb/server-half.sql
--
-- or, in an interactive client, `SET @budget = 30;` and then `SOURCE sql/mariadb/server-half.sql` on a line of
-- its own (a client command, not recognised after a statement on the same line as in -e "SET ...; SOURCE ...").
-- In a GUI, put the SET first.
-- B in whole seconds, at least 4, as the library requires. Needs SUPER (or SYSTEM_VARIABLES_ADMIN); SET GLOBAL applies
-- to new connections and is lost at a restart: for persistence put these lines in the server's my.cnf, B = 30 s shown:
--   [mariadbd]
--   tcp_keepalive_time     = 10
--   tcp_keepalive_interval = 3
--   tcp_keepalive_probes   = 3
--   net_read_timeout       = 30
--   net_write_timeout      = 30
-- The same rule as the client side (README): idle B/3, interval max(1, B/9), count 3, in whole seconds.
--
-- Not liveness but policy: wait_timeout (and interactive_timeout) only end sessions that are idle, dead or alive
-- (default 8 h); a pool's idle connections die of it. This file leaves them alone.

-- Stops here, naming the problem, when @budget is unset or below 4 (sql_mode refuses the sentence as a value).
SET SESSION sql_mode = IF(@budget >= 4, @@SESSION.sql_mode, 'SET @budget = SECONDS (at least 4) before SOURCE');

-- Idle this long (s), the server's socket starts keepalive probes: a client that vanished while the session idles.
SET GLOBAL tcp_keepalive_time = FLOOR(@budget / 3);
-- Seconds between unanswered probes.
SET GLOBAL tcp_keepalive_interval = GREATEST(1, FLOOR(@budget / 9));
-- Unanswered probes before the kernel drops the connection: dead after time + probes x interval, within B.
SET GLOBAL tcp_keepalive_probes = 3;
-- A read of a statement that stalls this long (s) ends the connection: a client that vanished mid-packet.
SET GLOBAL net_read_timeout = FLOOR(@budget);
-- A write of a result that stalls this long (s) ends the connection: a client that vanished, or stopped reading,
-- while its result was on its way. A client that reads slower than this is cut off too (Connector/J raises it for
-- its own streaming results: netTimeoutForStreamingResults, 600 s).
SET GLOBAL net_write_timeout = FLOOR(@budget);
