package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.heartbeat.Probeable;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a pool does once a connection is found dead; decided here, once, whoever found it (a probe, a borrower, the
 * watchdog, a host verdict). A dead connection is counted and told first, then aborted, evicted through HikariCP, and
 * its host swept when the failure says the host may be gone.
 *
 * <p>It knows connections only as {@link Judged}, the pool only by its {@link Eviction} and the heartbeat only by
 * its {@link Sweep}: the simulation runs this class itself, on its own connections and pool.
 *
 * @param <C> the connections it judges
 */
final class Verdicts<C extends Judged> {

    /** How a connection known dead leaves the pool ({@link Evictor} in a running pool). */
    interface Eviction<C> {

        /** Out of the pool: now if it is idle, else as soon as the pool can. */
        void evict(C c);

        /** Out of the pool before it is aborted under its borrower, whose {@code close()} then returns quietly. */
        void evictLeased(C c);
    }

    /** The heartbeat's sweep: probe the idle connections to a host now, but {@code except}. */
    interface Sweep {
        void sweep(String hostKey, Probeable except);
    }

    private final PoolEvents events;
    private final Eviction<C> eviction;
    private final Sweep sweep;
    private final Duration probeTimeout;

    Verdicts(PoolEvents events, Eviction<C> eviction, Sweep sweep, Duration probeTimeout) {
        this.events = events;
        this.eviction = eviction;
        this.sweep = sweep;
        this.probeTimeout = probeTimeout;
    }

    /**
     * A connection was found dead (it is DEAD already): count and tell, end it, evict it, sweep if it says so. Counted
     * before its socket closes: a borrower whose request fails on that close finds the eviction in the stats already.
     */
    void dead(C t, EvictionReason reason, Throwable cause, long tookNanos, long nowNanos) {
        dead(t, reason, cause, describe(reason, cause, tookNanos, probeTimeout), tookNanos, nowNanos);
    }

    void dead(C t, EvictionReason reason, Throwable cause, String why, long tookNanos, long nowNanos) {
        end(t, reason, cause, why, tookNanos, nowNanos, false);
    }

    /**
     * Counts and tells, ends and evicts a dead connection, and sweeps its host if the reason says so. One ended under
     * its borrower ({@code leased}) is evicted first: HikariCP marks its entry evicted before the physical connection
     * ends, so the borrower's {@code close()} after the abort returns quietly, as it does for a connection HikariCP
     * evicted itself (it would throw the driver's "connection is closed" otherwise).
     */
    private void end(C t, EvictionReason reason, Throwable cause, String why, long tookNanos, long nowNanos,
            boolean leased) {
        events.dead(t.ref(), reason, cause, why, tookNanos, nowNanos - t.lastAliveNanos(), nowNanos);
        if (leased) {
            eviction.evictLeased(t);
            t.abortPhysical();
        } else {
            t.abortPhysical();
            eviction.evict(t);
        }
        if (sweepsHost(reason, cause)) {
            sweep(t);
        }
    }

    /**
     * A write on leased {@code t} (DEAD by that lease now) was refused because its server is read-only, and HikariCP
     * is removing it already ({@link ReadOnlyEvidence}): count and tell it as a probe's {@code WRONG_ROLE} is, end it
     * (HikariCP's close of a dead connection does nothing), and sweep its host, whose other idle connections are
     * likely on the same server.
     */
    void refusedAsReadOnly(C t, SQLException refusal, String why, long nowNanos) {
        events.dead(t.ref(), EvictionReason.WRONG_ROLE, refusal, why, 0, nowNanos - t.lastAliveNanos(), nowNanos);
        t.abortPhysical();
        sweep(t);
    }

    /** Probes the other idle connections to this connection's host now. */
    void sweep(C t) {
        sweep.sweep(t.hostKey(), t.probeable());
    }

    /** Probes every idle connection to {@code hostKey} now (its host was just judged down). */
    void sweepHost(String hostKey) {
        sweep.sweep(hostKey, null);
    }

    /** The watchdog proved a leased connection's request went into a dead path: abort it, sweep its host. */
    void abortInFlight(C t, long leaseEpoch, String detail, long nowNanos) {
        abortLease(t, leaseEpoch, EvictionReason.UNACKNOWLEDGED_DATA, detail, nowNanos);
    }

    /** The host verdict says {@code t}'s request waits on a host that is down: abort it, if still in that lease. */
    void abortOnDownHost(C t, long leaseEpoch, String detail, long nowNanos) {
        abortLease(t, leaseEpoch, EvictionReason.HOST_DOWN, detail, nowNanos);
    }

    /** Evidence gathered on a lease that has ended since must not kill the next borrower's. */
    private void abortLease(C t, long leaseEpoch, EvictionReason reason, String detail, long nowNanos) {
        if (t.markDeadIfLease(leaseEpoch)) {
            end(t, reason, null, detail, 0, nowNanos, true);
        }
    }

    /**
     * A timeout, an in-flight abort, a connection the server closed, or a failure the driver classes as a
     * connection error (SQLState 08xxx) may mean the whole host is gone, restarted or killed our sessions: probe
     * its other idle connections now rather than one borrow at a time.
     */
    static boolean sweepsHost(EvictionReason reason, Throwable cause) {
        if (reason != EvictionReason.PROBE_FAILED) {
            return reason != EvictionReason.PROBE_TIMEOUT; // the heartbeat sweeps after its own timeouts
        }
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof SQLException e && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Why a probe found the connection dead, in one line for the event and the log. */
    static String describe(EvictionReason reason, Throwable cause, long tookNanos, Duration probeTimeout) {
        if (reason == EvictionReason.PROBE_TIMEOUT) {
            return "probe timeout (no answer within " + probeTimeout.toMillis() + " ms)";
        }
        if (cause == null) {
            return "probe failed (the driver says the connection is not valid)";
        }
        if (reason == EvictionReason.WRONG_ROLE) {
            return "wrong role: " + cause.getMessage();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int nl = message.indexOf('\n');
        return "probe failed after " + TimeUnit.NANOSECONDS.toMillis(tookNanos) + " ms: "
                + (nl < 0 ? message : message.substring(0, nl));
    }
}
