package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a pool does once a connection, or its host, is judged dead; decided here, once, whoever found it (a probe, a
 * borrower, the watchdog, a host verdict). A dead connection is counted and told first, then aborted, evicted through
 * HikariCP, and its host swept when the failure says the host may be gone. A host judged down has the requests that
 * wait on it aborted, its idle connections probed at once, and the borrowers waiting for a new connection woken.
 */
final class Verdicts {

    private final PoolEvents events;
    private final Evictor evictor;
    private final HeartbeatScheduler scheduler;
    private final Set<TrackedConnection> live;
    private final BorrowWaiters waiters;
    private final Duration probeTimeout;

    Verdicts(PoolEvents events, Evictor evictor, HeartbeatScheduler scheduler, Set<TrackedConnection> live,
            BorrowWaiters waiters, Duration probeTimeout) {
        this.events = events;
        this.evictor = evictor;
        this.scheduler = scheduler;
        this.live = live;
        this.waiters = waiters;
        this.probeTimeout = probeTimeout;
    }

    /**
     * A connection was found dead (it is DEAD already): count and tell, end it, evict it, sweep if it says so. Counted
     * before its socket closes: a borrower whose request fails on that close finds the eviction in the stats already.
     */
    void dead(TrackedConnection t, EvictionReason reason, Throwable cause, long tookNanos, long nowNanos) {
        dead(t, reason, cause, describe(reason, cause, tookNanos, probeTimeout), tookNanos, nowNanos);
    }

    void dead(TrackedConnection t, EvictionReason reason, Throwable cause, String why, long tookNanos,
            long nowNanos) {
        events.dead(t.ref(), reason, cause, why, tookNanos, nowNanos - t.probeTarget().lastAliveNanos(), nowNanos);
        t.physicalClose().abort();
        evictor.evict(t);
        if (sweepsHost(reason, cause)) {
            sweep(t);
        }
    }

    /**
     * {@link #dead} for a connection ended under its borrower: HikariCP marks its entry evicted before the physical
     * connection ends, so the borrower's {@code close()} after the abort returns quietly, as it does for a
     * connection HikariCP evicted itself (it would throw the driver's "connection is closed" otherwise).
     */
    private void deadUnderBorrower(TrackedConnection t, EvictionReason reason, String why, long nowNanos) {
        events.dead(t.ref(), reason, null, why, 0, nowNanos - t.probeTarget().lastAliveNanos(), nowNanos);
        evictor.evictLeased(t);
        t.physicalClose().abort();
        if (sweepsHost(reason, null)) {
            sweep(t);
        }
    }

    /**
     * A write on leased {@code t} (DEAD by that lease now) was refused because its server is read-only, and HikariCP
     * is removing it already ({@link ReadOnlyEvidence}): count and tell it as a probe's {@code WRONG_ROLE} is, end it
     * (HikariCP's close of a dead connection does nothing), and sweep its host, whose other idle connections are
     * likely on the same server.
     */
    void refusedAsReadOnly(TrackedConnection t, SQLException refusal, String why, long nowNanos) {
        events.dead(t.ref(), EvictionReason.WRONG_ROLE, refusal, why, 0, nowNanos - t.probeTarget().lastAliveNanos(),
                nowNanos);
        t.physicalClose().abort();
        sweep(t);
    }

    /** Probes the other idle connections to this connection's host now. */
    void sweep(TrackedConnection t) {
        scheduler.sweep(t.hostKey(), t.probeTarget());
    }

    /** The watchdog proved a leased connection's request went into a dead path: abort it, sweep its host. */
    void abortInFlight(TrackedConnection t, long leaseEpoch, String detail, long nowNanos) {
        abortLease(t, leaseEpoch, EvictionReason.UNACKNOWLEDGED_DATA, detail, nowNanos);
    }

    /** The host verdict says {@code t}'s request waits on a host that is down: abort it, if still in that lease. */
    void abortOnDownHost(TrackedConnection t, long leaseEpoch, String detail, long nowNanos) {
        abortLease(t, leaseEpoch, EvictionReason.HOST_DOWN, detail, nowNanos);
    }

    /** Evidence gathered on a lease that has ended since must not kill the next borrower's. */
    private void abortLease(TrackedConnection t, long leaseEpoch, EvictionReason reason, String detail,
            long nowNanos) {
        if (t.state.markDeadIfLease(leaseEpoch)) {
            deadUnderBorrower(t, reason, detail, nowNanos);
        }
    }

    /**
     * {@code host} was just judged down: abort the requests waiting on it, probe its idle connections now, and wake the
     * borrowers waiting for a new connection if no host is left ({@code everyHostDown}).
     *
     * @param onHost which connections went to that host
     */
    void hostWentDown(HostWatch host, java.util.function.Predicate<TrackedConnection> onHost, boolean everyHostDown,
            long nowNanos) {
        try {
            Set<String> hostKeys = new java.util.HashSet<>();
            for (TrackedConnection t : live) {
                if (!onHost.test(t)) {
                    continue;
                }
                hostKeys.add(t.hostKey());
                long epoch = t.watched().leaseEpoch();
                long waiting = t.watched().waitingSinceNanos(nowNanos);
                if (epoch >= 0 && waiting != 0) {
                    host.requestWaiting(t, epoch, waiting, nowNanos);
                }
            }
            for (String hostKey : hostKeys) {
                scheduler.sweep(hostKey, null);
            }
        } finally {
            if (everyHostDown) {
                waiters.wakeAll(); // whatever failed above, no borrower waits out connectionTimeout
            }
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
