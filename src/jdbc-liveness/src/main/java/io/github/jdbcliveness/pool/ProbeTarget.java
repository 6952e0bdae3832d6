package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.heartbeat.Probeable;
import io.github.jdbcliveness.inflight.ProcNetTcp;
import io.github.jdbcliveness.keepalive.DriverKind;
import io.github.jdbcliveness.keepalive.Peek;
import io.github.jdbcliveness.keepalive.SocketPeek;
import io.github.jdbcliveness.pool.LeaseState.State;
import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A tracked connection as the heartbeat probes it: what the scheduler registers, claims and judges (its
 * {@link ProbeClaims}, which move the lease word and give the verdicts), the round trip itself, the look at the socket
 * that needs none, and the signal a borrower waiting for a probe wakes on.
 */
final class ProbeTarget implements Probeable {

    /** How much longer than the probe timeout a borrower waits for a running probe before giving up on it. */
    static final long WAIT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final TrackedConnection connection;
    private final PoolBinding binding;
    private final LeaseState state;
    private final Connection physical;
    /** The driver's socket, or null when no socket of ours was seen. */
    private final Socket socket;
    private final DriverKind driverKind;
    private final String hostKey;
    private final ReentrantLock endLock = new ReentrantLock();
    private final Condition end = endLock.newCondition();
    private final ProbeClaims<TrackedConnection> claims;

    ProbeTarget(TrackedConnection connection, PoolBinding binding, LeaseState state, Connection physical,
            Socket socket, String hostKey, long nowNanos) {
        this.connection = connection;
        this.binding = binding;
        this.state = state;
        this.physical = physical;
        this.socket = socket;
        this.driverKind = binding.driverKind();
        this.hostKey = hostKey;
        this.claims = new ProbeClaims<>(connection, state, binding.events(), binding.verdicts(),
                () -> binding.hosts().of(hostKey), this::flowAcknowledged, this::ended, nowNanos);
    }

    @Override
    public String hostKey() {
        return hostKey;
    }

    @Override
    public long intervalNanos() {
        return binding.intervalNanos();
    }

    @Override
    public long probeTimeoutNanos() {
        return binding.probeTimeoutNanos();
    }

    @Override
    public long lastAliveNanos() {
        return claims.lastAliveNanos();
    }

    /** At the end of a lease: the server's last answer to the application is a round trip as good as a probe. */
    void answered(long answeredNanos) {
        claims.answered(answeredNanos);
    }

    @Override
    public long tryStartProbe() {
        return claims.tryStartProbe();
    }

    /** The heartbeat's probe, on its thread: it starts only if no borrower took the connection back meanwhile. */
    @Override
    public boolean probe(long token) throws SQLException {
        return claims.start(token) && roundTrip();
    }

    /**
     * The probe's round trip: the driver's isValid, or the validation query. With auto-commit off, the query's
     * implicit transaction is rolled back at once: a probe never leaves a session idle in a transaction (a stale
     * snapshot and {@code now()} for the next borrower, VACUUM held back).
     */
    boolean roundTrip() throws SQLException {
        binding.events().probeStarted();
        int seconds = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(binding.probeTimeoutNanos() + 999_999_999L));
        String query = binding.validationQuery();
        RoleCheck role = binding.roleCheck();
        if (query == null && !role.asksByQuery()) {
            // The driver's own timeout is a second past ours: our deadline decides.
            boolean valid = physical.isValid(seconds + 1);
            if (valid) {
                refuseWrongRole(role.wrongRole(physical, null));
            }
            return valid;
        }
        String wrong;
        try (Statement s = physical.createStatement()) {
            s.setQueryTimeout(seconds + 1);
            if (query != null) {
                s.execute(query);
            }
            wrong = role.wrongRole(physical, s);
        } catch (SQLException e) {
            try {
                endProbeTransaction();
            } catch (SQLException | RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        endProbeTransaction();
        refuseWrongRole(wrong);
        return true;
    }

    /**
     * At borrow, for a pool whose server reports its role (PostgreSQL): why the server is in the wrong role as of
     * its last answer to anyone on this connection, or null. No round trip; only while nobody else uses it.
     */
    String wrongRoleAtBorrow() {
        RoleCheck role = binding.roleCheck();
        if (!role.readsWithoutQuery()) {
            return null;
        }
        try {
            return role.wrongRole(physical, null);
        } catch (SQLException | RuntimeException e) {
            return null; // nothing to read: the heartbeat's probe decides
        }
    }

    /** A round trip answered by a server in the wrong role ({@link RoleCheck}): the connection must go. */
    private static void refuseWrongRole(String wrong) throws WrongRoleException {
        if (wrong != null) {
            throw new WrongRoleException(wrong);
        }
    }

    private void endProbeTransaction() throws SQLException {
        if (!physical.getAutoCommit()) {
            physical.rollback();
        }
    }

    /**
     * A probe on the caller's thread: HikariCP's borrow-time or keepalive check of an idle connection not probed
     * within the interval, which the caller has claimed with {@code token}.
     */
    boolean inline(long token) {
        ProbeCall call = new ProbeCall(this::roundTrip);
        long timeout = binding.probeTimeoutNanos();
        long start = System.nanoTime();
        try {
            binding.runProbe(connection, call);
        } catch (RuntimeException e) {
            probeFailed(token, e, start, System.nanoTime());
            return false;
        }
        switch (call.await(timeout, start + timeout)) {
            case PASSED:
                probePassed(token, call.startedNanos(), System.nanoTime());
                return true;
            case FAILED:
                probeFailed(token, call.cause(), call.startedNanos(), System.nanoTime());
                return false;
            case TIMED_OUT:
                probeTimedOut(token, call.startedNanos(), System.nanoTime());
                binding.verdicts().sweep(connection);
                return false;
            default:
                // No probe thread for its host within the probe timeout (its lane is full of probes that hang): a
                // probe that never ran says nothing about this connection. Answering false would make HikariCP close
                // a connection nobody has found dead (and, at borrow, spend the borrower's connectionTimeout on it);
                // answer as for one probed lately instead: valid unless its socket shows the server closed it.
                return checkSocket(token);
        }
    }

    /**
     * Whether the server has closed this connection already, read off its socket without a round trip (a FIN, a reset,
     * or a termination message waiting): what it showed, or null when it looks open or there is no socket of ours.
     * Only while nobody else uses the connection: claimed by a probe, or leased and not yet handed to the borrower.
     */
    String closedByServer() {
        if (socket == null) {
            return null;
        }
        Peek peek = SocketPeek.peek(socket);
        if (driverKind == null || !driverKind.closing(peek)) {
            return null;
        }
        return (peek.isClosed() ? "the server had closed the connection (" + peek.detail() + ")"
                : "the server sent a termination message on the idle connection (" + peek + ")")
                + ", seen at borrow without a round trip";
    }

    /**
     * The zero-round-trip check of a claimed idle connection: has the server closed it already? For one probed within
     * the interval, and for one whose probe could not get a thread (no verdict either way).
     */
    boolean checkSocket(long token) {
        String closed = closedByServer();
        if (closed == null) {
            state.passProbe(token); // a look, not a sign of life: lastAliveNanos stays
            ended();
            return true;
        }
        if (state.failProbe(token)) {
            binding.verdicts().dead(connection, EvictionReason.CLOSED_BY_SERVER, null, closed, 0, System.nanoTime());
        }
        ended();
        return false;
    }

    @Override
    public boolean probing(long token) {
        return claims.probing(token);
    }

    @Override
    public void probePassed(long token, long startNanos, long endNanos) {
        claims.passed(token, startNanos, endNanos);
    }

    /** Ends a claim that reached no verdict (no probe thread in time): idle again, with no new sign of life. */
    void abandon(long token) {
        claims.abandon(token);
    }

    @Override
    public void probeFailed(long token, Throwable cause, long startNanos, long endNanos) {
        claims.failed(token, cause, startNanos, endNanos);
    }

    @Override
    public void probeTimedOut(long token, long startNanos, long nowNanos) {
        claims.timedOut(token, startNanos, nowNanos);
    }

    /**
     * Whether the kernel holds everything this connection sent acknowledged (the server's TCP answered): a probe
     * that then got no answer met a server process that is silent, not a dead path. True when it cannot be told
     * (no socket of ours, no {@code /proc/net/tcp}, no line for the flow): the host verdict then weighs the timeout
     * as it always did.
     */
    private boolean flowAcknowledged() {
        ProcNetTcp.Flow flow = connection.watched().flow();
        if (flow == null || !ProcNetTcp.available()) {
            return true;
        }
        try {
            ProcNetTcp.Entry e = ProcNetTcp.scan(List.of(flow)).get(flow);
            return e == null || e.txQueue() == 0;
        } catch (IOException | RuntimeException e) { // a table or a line this parser does not know: as if unknown
            return true;
        }
    }

    @Override
    public boolean retired() {
        return claims.retired();
    }

    // ---- the end of a probe, which borrowers wait for ----------------------------------------------------------

    /** Waits for the running or queued probe to end, for at most one probe timeout (and the slack) from now. */
    void awaitEnd() {
        awaitEnd(System.nanoTime() + binding.probeTimeoutNanos() + WAIT_SLACK_NANOS);
    }

    /**
     * Waits, at most until {@code untilNanos} (a probe timeout away), for the running probe to end. An interrupt
     * does not cut the wait short: it would leave the probe running and the borrower spinning on a flag every later
     * wait throws at once (a host-down verdict interrupts the borrowers it wakes). It is set again on the way out.
     */
    void awaitEnd(long untilNanos) {
        boolean interrupted = false;
        endLock.lock();
        try {
            while (true) {
                State s = state.state();
                if (s != State.PROBING && s != State.QUEUED) {
                    return;
                }
                long left = untilNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    end.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            endLock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wakes the borrowers waiting for this connection's probe: the state word has moved on. */
    void ended() {
        endLock.lock();
        try {
            end.signalAll();
        } finally {
            endLock.unlock();
        }
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
