package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.heartbeat.Probeable;

/**
 * A pooled connection as the {@link Verdicts} see it: what ending a dead one, and sweeping its host, needs of it.
 * {@link TrackedConnection} is the one in a running pool; the simulation's connections are the other.
 */
interface Judged {

    ConnectionRef ref();

    /** Connections with the same key share a path: a timeout on one sweeps the others. */
    String hostKey();

    /** The connection as the heartbeat probes it: left out of a sweep of its own host. */
    Probeable probeable();

    /** When its server last answered (a probe, or the application's last request). */
    long lastAliveNanos();

    /** DEAD if its lease is still the one with {@code leaseEpoch}: evidence from an ended lease kills no other. */
    boolean markDeadIfLease(long leaseEpoch);

    /** Ends the physical connection at once, its socket first. */
    void abortPhysical();
}
