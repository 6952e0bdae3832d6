-- The server's half of a 30 s detection budget (scale with yours: idle B/3, interval B/9, count 3).
-- Run as a superuser; ALTER SYSTEM cannot run inside a transaction block. Takes effect for new sessions.

-- Keepalive on the server's sockets: a client that vanished is noticed while the session is idle.
ALTER SYSTEM SET tcp_keepalives_idle = 10;
ALTER SYSTEM SET tcp_keepalives_interval = 3;
ALTER SYSTEM SET tcp_keepalives_count = 3;
-- Data the server sent that stays unacknowledged this long ends the connection (Linux; PostgreSQL 12+).
ALTER SYSTEM SET tcp_user_timeout = '30s';
-- While a query runs, check every 10 s that the client is still there (PostgreSQL 14+, Linux).
ALTER SYSTEM SET client_connection_check_interval = '10s';

SELECT pg_reload_conf();
