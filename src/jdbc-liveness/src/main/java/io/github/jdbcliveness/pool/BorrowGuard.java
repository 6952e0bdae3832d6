package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.LongSupplier;

/**
 * Checks each connection HikariCP hands a {@code LivenessDataSource} borrower, before the borrower sees it. A
 * connection known dead (or held by a probe past its deadline), or one whose socket shows the server closed it, is
 * evicted through the borrower's proxy and the borrower asks again; in validate-on-borrow mode a live one must also
 * answer a probe. The retry loop, bounded by one {@code connectionTimeout}, is the data source's.
 *
 * <p>It knows connections only as {@link Borrowed} and the pool only as a {@link Pool}, with a clock passed in: the
 * simulation runs this class itself.
 *
 * @param <C> the connections it checks
 */
final class BorrowGuard<C extends Borrowed> {

    /** {@link #check}: hand the connection to the borrower. */
    static final long USE = -1;

    /** What the guard asks of the pool around it. */
    interface Pool<C> {

        /** A borrower drew {@code c}, found dead, and holds its {@code proxy}: out of the pool now. */
        void evictBorrowed(C c, Connection proxy);

        /** Runs a validation's round trip in {@code c}'s host lane. */
        void runProbe(C c, ProbeCall call);
    }

    private final String poolName;
    private final PoolEvents events;
    private final Verdicts<C> verdicts;
    private final Pool<C> pool;
    private final long probeTimeoutNanos;
    private final LongSupplier clock;
    private final boolean validateOnBorrow;

    BorrowGuard(String poolName, PoolEvents events, Verdicts<C> verdicts, Pool<C> pool, long probeTimeoutNanos,
            LongSupplier clock, boolean validateOnBorrow) {
        this.poolName = poolName;
        this.events = events;
        this.verdicts = verdicts;
        this.pool = pool;
        this.probeTimeoutNanos = probeTimeoutNanos;
        this.clock = clock;
        this.validateOnBorrow = validateOnBorrow;
    }

    boolean validatesOnBorrow() {
        return validateOnBorrow;
    }

    /**
     * @param t           the connection HikariCP handed out
     * @param proxy       HikariCP's proxy of it, which the borrower would get
     * @param giveUpNanos the clock's time when the borrower's {@code connectionTimeout} runs out: a
     *                    validation that cannot start by then gives the connection back and fails the borrow;
     *                    read only with validate-on-borrow
     * @return {@link #USE}; or, when the connection was dead and has been evicted (ask the pool again), how many
     *         nanoseconds this borrow had already waited for a probe on it (0 when it did not): they count against
     *         its {@code connectionTimeout}
     * @throws IllegalStateException when HikariCP did not mark the lease (request boundaries are off)
     * @throws SQLException          when a validation could not run (interrupted, closed, no probe thread in time):
     *                               the connection has been given back to the pool unharmed
     */
    long check(C t, Connection proxy, long giveUpNanos) throws SQLException {
        switch (t.lease()) {
            case LIVE:
                // Every borrow, however hot the pool: HikariCP asks isValid only of a connection idle for 500 ms, so
                // after a restart or a failover a busy pool would hand out each closed session once. One system call.
                String closed = t.closedByServer();
                if (closed != null) {
                    if (t.markDead()) {
                        verdicts.dead(t, EvictionReason.CLOSED_BY_SERVER, null, closed, 0, clock.getAsLong());
                    }
                    skip(t, proxy);
                    return 0;
                }
                String wrongRole = t.wrongRoleAtBorrow();
                if (wrongRole != null) {
                    if (t.markDead()) {
                        verdicts.dead(t, EvictionReason.WRONG_ROLE, null, "wrong role: " + wrongRole, 0,
                                clock.getAsLong());
                    }
                    skip(t, proxy);
                    return 0;
                }
                return validateOnBorrow ? validate(t, proxy, giveUpNanos) : USE;
            case NOT_BEGUN:
                proxy.close();
                throw new IllegalStateException(poolName + " - HikariCP handed out a connection without "
                        + "calling beginRequest(): jdbc-liveness needs HikariCP's request boundaries "
                        + "(com.zaxxer.hikari.enableRequestBoundaries), which it switches on while it starts the "
                        + "pool; was the pool started by a direct HikariDataSource.getConnection() before "
                        + "jdbc-liveness could start it?");
            default: // REFUSED
                if (t.markDead()) {
                    verdicts.dead(t, EvictionReason.PROBE_TIMEOUT, null, probeTimeoutNanos,
                            clock.getAsLong());
                }
                long waited = t.refusedAfterNanos();
                skip(t, proxy);
                return waited;
        }
    }

    private long validate(C t, Connection proxy, long giveUpNanos) throws SQLException {
        ProbeCall call = new ProbeCall(t::roundTrip);
        try {
            pool.runProbe(t, call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            proxy.close();
            throw new SQLException(poolName + " - jdbc-liveness is closed", "08003", e);
        }
        ProbeCall.Outcome outcome = call.await(probeTimeoutNanos, giveUpNanos);
        switch (outcome) {
            case PASSED:
                events.probeValidated();
                return USE;
            case NOT_STARTED:
                proxy.close();
                throw new SQLTransientConnectionException(poolName + " - validateOnBorrow: no probe "
                        + "thread for host " + t.hostKey() + " within connectionTimeout; the connection was given "
                        + "back untouched", "08001");
            case INTERRUPTED:
                proxy.close();
                // As HikariCP answers an interrupted wait for a connection: no connection-failure state (08xxx),
                // the interrupt as the cause, and the thread's flag still set.
                throw new SQLException(poolName + " - interrupted before validating a borrowed "
                        + "connection; it was given back untouched",
                        new InterruptedException("interrupted while waiting for validateOnBorrow's probe"));
            default:
                break;
        }
        EvictionReason reason = outcome == ProbeCall.Outcome.TIMED_OUT ? EvictionReason.PROBE_TIMEOUT
                : EvictionReason.PROBE_FAILED;
        if (t.markDead()) {
            verdicts.dead(t, reason, call.cause(), call.tookNanos(), clock.getAsLong());
            if (reason == EvictionReason.PROBE_TIMEOUT) {
                verdicts.sweep(t);
            }
        }
        skip(t, proxy);
        return 0; // with validate-on-borrow the deadline runs from the start of the borrow already
    }

    private void skip(C t, Connection proxy) {
        events.borrowSkippedDead(t.ref());
        pool.evictBorrowed(t, proxy);
    }
}
