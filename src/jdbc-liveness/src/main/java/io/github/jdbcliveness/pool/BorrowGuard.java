package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Checks each connection HikariCP hands a {@code LivenessDataSource} borrower, before the borrower sees it. A
 * connection known dead (or held by a probe past its deadline), or one whose socket shows the server closed it, is
 * evicted through the borrower's proxy and the borrower asks again; in validate-on-borrow mode a live one must also
 * answer a probe. The retry loop, bounded by one {@code connectionTimeout}, is the data source's.
 */
final class BorrowGuard {

    /** {@link #check}: hand the connection to the borrower. */
    static final long USE = -1;

    private final PoolBinding binding;
    private final boolean validateOnBorrow;

    BorrowGuard(PoolBinding binding, boolean validateOnBorrow) {
        this.binding = binding;
        this.validateOnBorrow = validateOnBorrow;
    }

    boolean validatesOnBorrow() {
        return validateOnBorrow;
    }

    /**
     * @param giveUpNanos {@link System#nanoTime()} when the borrower's {@code connectionTimeout} runs out: a
     *                    validation that cannot start by then gives the connection back and fails the borrow;
     *                    read only with validate-on-borrow
     * @return {@link #USE}; or, when the connection was dead and has been evicted (ask the pool again), how many
     *         nanoseconds this borrow had already waited for a probe on it (0 when it did not): they count against
     *         its {@code connectionTimeout}
     * @throws IllegalStateException when HikariCP did not mark the lease (request boundaries are off)
     * @throws SQLException          when a validation could not run (interrupted, closed, no probe thread in time):
     *                               the connection has been given back to the pool unharmed
     */
    long check(Connection proxy, long giveUpNanos) throws SQLException {
        TrackedConnection t = proxy.unwrap(TrackedConnection.class);
        switch (t.lease()) {
            case LIVE:
                // Every borrow, however hot the pool: HikariCP asks isValid only of a connection idle for 500 ms, so
                // after a restart or a failover a busy pool would hand out each closed session once. One system call.
                String closed = t.probeTarget().closedByServer();
                if (closed != null) {
                    if (t.markDead()) {
                        binding.verdicts().dead(t, EvictionReason.CLOSED_BY_SERVER, null, closed, 0, System.nanoTime());
                    }
                    skip(t, proxy);
                    return 0;
                }
                String wrongRole = t.probeTarget().wrongRoleAtBorrow();
                if (wrongRole != null) {
                    if (t.markDead()) {
                        binding.verdicts().dead(t, EvictionReason.WRONG_ROLE, null, "wrong role: " + wrongRole, 0,
                                System.nanoTime());
                    }
                    skip(t, proxy);
                    return 0;
                }
                return validateOnBorrow ? validate(t, proxy, giveUpNanos) : USE;
            case NOT_BEGUN:
                proxy.close();
                throw new IllegalStateException(binding.poolName() + " - HikariCP handed out a connection without "
                        + "calling beginRequest(): jdbc-liveness needs HikariCP's request boundaries "
                        + "(com.zaxxer.hikari.enableRequestBoundaries), which it switches on while it starts the "
                        + "pool; was the pool started by a direct HikariDataSource.getConnection() before "
                        + "jdbc-liveness could start it?");
            default: // REFUSED
                if (t.markDead()) {
                    binding.verdicts().dead(t, EvictionReason.PROBE_TIMEOUT, null, binding.probeTimeoutNanos(),
                            System.nanoTime());
                }
                long waited = t.refusedAfterNanos();
                skip(t, proxy);
                return waited;
        }
    }

    private long validate(TrackedConnection t, Connection proxy, long giveUpNanos) throws SQLException {
        ProbeCall call = new ProbeCall(t.probeTarget()::roundTrip);
        try {
            binding.runProbe(t, call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            proxy.close();
            throw new SQLException(binding.poolName() + " - jdbc-liveness is closed", "08003", e);
        }
        ProbeCall.Outcome outcome = call.await(binding.probeTimeoutNanos(), giveUpNanos);
        switch (outcome) {
            case PASSED:
                binding.events().probeValidated();
                return USE;
            case NOT_STARTED:
                proxy.close();
                throw new SQLTransientConnectionException(binding.poolName() + " - validateOnBorrow: no probe "
                        + "thread for host " + t.hostKey() + " within connectionTimeout; the connection was given "
                        + "back untouched", "08001");
            case INTERRUPTED:
                proxy.close();
                // As HikariCP answers an interrupted wait for a connection: no connection-failure state (08xxx),
                // the interrupt as the cause, and the thread's flag still set.
                throw new SQLException(binding.poolName() + " - interrupted before validating a borrowed "
                        + "connection; it was given back untouched",
                        new InterruptedException("interrupted while waiting for validateOnBorrow's probe"));
            default:
                break;
        }
        EvictionReason reason = outcome == ProbeCall.Outcome.TIMED_OUT ? EvictionReason.PROBE_TIMEOUT
                : EvictionReason.PROBE_FAILED;
        if (t.markDead()) {
            binding.verdicts().dead(t, reason, call.cause(), call.tookNanos(), System.nanoTime());
            if (reason == EvictionReason.PROBE_TIMEOUT) {
                binding.verdicts().sweep(t);
            }
        }
        skip(t, proxy);
        return 0; // with validate-on-borrow the deadline runs from the start of the borrow already
    }

    private void skip(TrackedConnection t, Connection proxy) {
        binding.events().borrowSkippedDead(t.ref());
        binding.evictor().evictBorrowed(proxy);
    }
}
