-- One row per client session on MySQL / MariaDB: host is "address:client port" (matching jdbc-liveness's
-- keepalive report and `ss`), command Sleep means idle.
SELECT id,
       user,
       host,
       db,
       command,
       time          AS in_state_seconds,
       state,
       left(info, 60) AS last_query
FROM information_schema.processlist
WHERE command <> 'Daemon'
ORDER BY host;
