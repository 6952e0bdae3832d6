-- One row per client session: who holds connections, from which client port, doing what, for how long.
-- The client port matches jdbc-liveness's keepalive report (AppliedKeepalive.localPort) and `ss` output.
SELECT pid,
       usename                       AS user_name,
       application_name,
       client_addr,
       client_port,
       state,
       now() - state_change          AS in_state_for,
       now() - backend_start         AS connected_for,
       left(query, 60)               AS last_query
FROM pg_stat_activity
WHERE backend_type = 'client backend'
ORDER BY client_addr, client_port;
