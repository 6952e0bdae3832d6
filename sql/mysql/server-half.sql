-- The server's half of a detection budget B on MySQL (5.7, 8.x, 9.x): what the server itself can set.
--
--   mysql --init-command="SET @budget = 30" -h HOST -u ADMIN -p < sql/mysql/server-half.sql
--
-- or, in an interactive client, `SET @budget = 30;` and then `SOURCE sql/mysql/server-half.sql` on a line of
-- its own (a client command, not recognised after a statement on the same line as in -e "SET ...; SOURCE ...").
-- In a GUI, put the SET first.
-- B in whole seconds, at least 4, as the library requires. Needs SUPER or SYSTEM_VARIABLES_ADMIN; SET GLOBAL applies
-- to new connections and is lost at a restart (SET PERSIST, MySQL 8.0+, keeps it; or my.cnf: net_read_timeout = 30,
-- net_write_timeout = 30).
--
-- MySQL has no TCP keepalive variables (MariaDB has: sql/mariadb/server-half.sql). mysqld turns SO_KEEPALIVE on for
-- its TCP client sockets and leaves the timers to the kernel, whose defaults wait 2 h 11 min. The only way to notice
-- an idle client that vanished is the server host's own keepalive settings, which apply to every socket on the host
-- that has keepalive on (root; B = 30 s shown, rule idle B/3, interval max(1, B/9), count 3):
--   sysctl -w net.ipv4.tcp_keepalive_time=10 net.ipv4.tcp_keepalive_intvl=3 net.ipv4.tcp_keepalive_probes=3
--   and for persistence the same three lines in /etc/sysctl.d/60-keepalive.conf:
--     net.ipv4.tcp_keepalive_time = 10
--     net.ipv4.tcp_keepalive_intvl = 3
--     net.ipv4.tcp_keepalive_probes = 3
-- In a container these are per network namespace: set them on the container (docker run --sysctl ...), not the host.
--
-- Not liveness but policy: wait_timeout (and interactive_timeout) only end sessions that are idle, dead or alive
-- (default 8 h); a pool's idle connections die of it. This file leaves them alone.

-- Stops here, naming the problem, when @budget is unset or below 4 (sql_mode refuses the sentence as a value).
SET SESSION sql_mode = IF(@budget >= 4, @@SESSION.sql_mode, 'SET @budget = SECONDS (at least 4) before SOURCE');

-- A read of a statement that stalls this long (s) ends the connection: a client that vanished mid-packet.
SET GLOBAL net_read_timeout = FLOOR(@budget);
-- A write of a result that stalls this long (s) ends the connection: a client that vanished, or stopped reading,
-- while its result was on its way. A client that reads slower than this is cut off too (Connector/J raises it for
-- its own streaming results: netTimeoutForStreamingResults, 600 s).
SET GLOBAL net_write_timeout = FLOOR(@budget);
