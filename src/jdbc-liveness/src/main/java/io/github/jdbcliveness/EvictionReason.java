package io.github.jdbcliveness;

/** Why jdbc-liveness ended a pooled connection. */
public enum EvictionReason {
    /** A heartbeat probe got an error or a "not valid" answer: the server closed it, the path reset, ... */
    PROBE_FAILED,
    /** A heartbeat probe got no answer within the probe timeout: a dead path, or a hung server process. */
    PROBE_TIMEOUT,
    /**
     * The watchdog saw a leased connection's request wait unacknowledged under the kernel's retransmit timer, with
     * the peer's acknowledgements standing still for {@code unacknowledgedTimeout}: the request went into a dead path,
     * and was aborted.
     */
    UNACKNOWLEDGED_DATA,
    /**
     * A leased connection's request was waiting for its answer from a host judged down: a new connection to it, opened
     * while the request waited, got no answer (a hung server, a hung proxy, a host gone). The request was aborted;
     * whether a commit among it took effect is unknown.
     */
    HOST_DOWN,
    /**
     * The server had already closed the connection: at HikariCP's borrow-time check its socket showed a FIN, a reset
     * or a termination message waiting (a session killed server-side, a restart, {@code wait_timeout}), seen without
     * a round trip.
     */
    CLOSED_BY_SERVER,
    /**
     * The server answered, but not in the role the pool needs: its URL asks for a primary (pgjdbc's
     * {@code targetServerType=primary}, or {@code requiredRole}) and the server reports itself a standby or read-only,
     * as an old primary does after a failover; or the reverse. On the MySQL protocol, for a pool that needs a primary,
     * also a write the server refused as read-only (error 1290 or 1836), which HikariCP evicted. Its other idle
     * connections are swept at once, and the pool refills from wherever its URL leads now.
     */
    WRONG_ROLE
}
