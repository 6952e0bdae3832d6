package io.github.jdbcliveness;

/**
 * The role a pool needs of its database server ({@link LivenessConfig.Builder#requiredRole}). A pool that needs a
 * role checks it on every probe and evicts a connection to a server in another role
 * ({@link EvictionReason#WRONG_ROLE}): after a failover, the old primary often stays up and answers, read-only.
 */
public enum ServerRole {
    /** Any server will do: nothing is checked (what a pool without a stated role does). */
    ANY,
    /** A writable primary: not a standby, not read-only. */
    PRIMARY,
    /** A standby (PostgreSQL: in recovery; MySQL protocol: {@code read_only} on). */
    STANDBY
}
