package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.pool.LeaseState.State;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/**
 * A physical connection as HikariCP holds it. HikariCP marks every lease with JDBC 4.3 request boundaries
 * ({@link #beginRequest()} on the borrower's thread, {@link #endRequest()} just before the connection goes back to
 * its bag), and those two calls move our {@link LeaseState}: a probe can only claim a connection that is idle by
 * that word, so it never touches one in use, and a borrower that draws one a probe holds waits for that probe.
 *
 * <p>The calls HikariCP makes on an idle connection (its borrow-time {@code isValid}, its keepalive, closing) are
 * answered from what the heartbeat knows where possible: a connection probed within the last interval is valid
 * without a round-trip, a dead one is invalid at once.
 *
 * <p>This class is the JDBC face HikariCP sees, and HikariCP's entry (its tasks, whether it left setup or was drawn).
 * The other protocols are parts it holds, made once per connection so that a borrow allocates nothing (one that
 * must wait for a probe allocates its {@link LeaseAttempt}): the
 * heartbeat probes its {@link ProbeTarget}, the in-flight watchdog and the host verdict read its
 * {@link WatchdogView}, and its {@link PhysicalClose} ends the physical connection. All of them move the one
 * {@link LeaseState} only through its named transitions.
 */
final class TrackedConnection extends DelegatingConnection implements Borrowed {

    private final PoolBinding binding;
    private final ConnectionRef ref;
    private final AppliedKeepalive applied;
    /** In setup until HikariCP has scheduled its tasks for the entry, right before it adds it to its bag. */
    final LeaseState state = LeaseState.inSetup();
    /** HikariCP's own tasks for this entry, captured by {@link HousekeepingExecutor}: the {@link Evictor}'s path. */
    private volatile Runnable maxLifetimeTask;
    private volatile Runnable keepaliveTask;
    /** Left setup (counted in the {@link Evictor}'s bag count until HikariCP closes it). */
    private volatile boolean leftSetup;
    /**
     * HikariCP has drawn it from its bag: its entry is in the bag (or has left it), so its eviction needs no proof.
     * Written once; every later borrow only reads it.
     */
    private volatile boolean drawn;
    private final ProbeTarget probeTarget;
    private final WatchdogView watched;
    private final PhysicalClose physicalClose;

    TrackedConnection(PoolBinding binding, long id, Connection physical, AppliedKeepalive applied, Socket socket,
            String hostKey, long nowNanos) {
        super(physical);
        this.binding = binding;
        this.applied = applied;
        this.ref = new ConnectionRef(binding.poolName(), id, applied == null ? null : applied.local(),
                applied == null ? null : applied.remote());
        this.probeTarget = new ProbeTarget(this, binding, state, physical, socket, hostKey, nowNanos);
        this.watched = new WatchdogView(this, binding, state, socket, applied);
        this.physicalClose = new PhysicalClose(binding, physical, socket);
    }

    /** The connection as the heartbeat probes it. */
    ProbeTarget probeTarget() {
        return probeTarget;
    }

    @Override
    public String hostKey() {
        return probeTarget.hostKey();
    }

    @Override
    public ProbeTarget probeable() {
        return probeTarget;
    }

    @Override
    public long lastAliveNanos() {
        return probeTarget.lastAliveNanos();
    }

    @Override
    public boolean markDeadIfLease(long leaseEpoch) {
        return state.markDeadIfLease(leaseEpoch);
    }

    @Override
    public void abortPhysical() {
        physicalClose.abort();
    }

    @Override
    public String closedByServer() {
        return probeTarget.closedByServer();
    }

    @Override
    public String wrongRoleAtBorrow() {
        return probeTarget.wrongRoleAtBorrow();
    }

    @Override
    public boolean roundTrip() throws SQLException {
        return probeTarget.roundTrip();
    }

    /** The connection as the in-flight watchdog and the host verdict see it. */
    WatchdogView watched() {
        return watched;
    }

    @Override
    public ConnectionRef ref() {
        return ref;
    }

    /**
     * HikariCP scheduled one of its tasks for this entry: it has set the connection up, and adds it to its bag as
     * soon as this returns. From here on the heartbeat may probe it.
     */
    void hikariTask(HousekeepingExecutor.EvictTask kind, Runnable task) {
        if (kind == HousekeepingExecutor.EvictTask.MAX_LIFETIME) {
            maxLifetimeTask = task;
        } else {
            keepaliveTask = task;
        }
        ready();
    }

    /**
     * SETUP → IDLE: from here on the connection may be found dead, and HikariCP's bag holds it (or is about to).
     * Counted before the move, so that the evictor's count includes it by the time anyone can find it dead. Its two
     * callers never meet on one connection: HikariCP hands out a connection still in setup only when it scheduled
     * no task for it.
     */
    private void ready() {
        if (state.state() != State.SETUP) {
            return;
        }
        if (!leftSetup) {
            leftSetup = true;
            binding.evictor().leftSetup();
        }
        state.ready();
    }

    /**
     * HikariCP is removing this connection's entry from its bag, on this thread (it cancels the entry's tasks): after a
     * write refused as read-only, the removal that refusal caused ({@link ReadOnlyEvidence}).
     */
    void entryRemoved() {
        ReadOnlyEvidence evidence = binding.readOnlyEvidence();
        if (evidence != null) {
            evidence.removing(this);
        }
    }

    /** Whether HikariCP has handed it out: its entry is in HikariCP's bag, or has been removed from it. */
    boolean drawn() {
        return drawn;
    }

    /** Whether it left setup: HikariCP had it, or was about to add it, in its bag. */
    boolean leftSetup() {
        return leftSetup;
    }

    /** HikariCP's task that removes this entry: its end-of-life task if it has one, else its keepalive task. */
    Runnable hikariEvictTask() {
        Runnable t = maxLifetimeTask;
        return t != null ? t : keepaliveTask;
    }

    AppliedKeepalive applied() {
        return applied;
    }

    /** How its physical connection is ended. */
    PhysicalClose physicalClose() {
        return physicalClose;
    }

    // ---- leases: HikariCP's request boundaries -------------------------------------------------------------

    @Override
    public void beginRequest() {
        if (!drawn) {
            drawn = true;
        }
        long r = state.tryLease();
        if (r >= 0) {
            state.leased(r);
            return;
        }
        leaseSlowly();
    }

    /** The borrower drew a connection that is not idle: wait for its probe, or give it up ({@link LeaseAttempt}). */
    private void leaseSlowly() {
        LeaseAttempt attempt = new LeaseAttempt(state, binding.probeTimeoutNanos(), System.nanoTime(), this::ready);
        while (!attempt.step(System.nanoTime())) {
            probeTarget.awaitEnd(attempt.waitUntilNanos());
        }
        if (attempt.leasedAfterWaiting()) {
            binding.events().borrowWaitedForProbe();
        }
    }

    @Override
    public void endRequest() {
        long w = state.endLease();
        if (w >= 0) {
            probeTarget.answered(watched.receivedAtNanos());
            state.release(w);
        }
    }

    @Override
    public long refusedAfterNanos() {
        return state.refusedAfterNanos();
    }

    @Override
    public LeaseState.Lease lease() {
        return state.lease();
    }

    // ---- what HikariCP asks of an idle connection ------------------------------------------------------------

    /**
     * HikariCP asks this at borrow (of a connection idle for 500 ms or more) and in its keepalive. Leased: the
     * borrower's own question, passed on. Idle and probed within the last interval: valid unless its socket shows
     * that the server closed it (a FIN, a reset, or a termination message waiting), which costs no round trip.
     * Idle and not probed lately: one probe, right here.
     */
    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        while (true) {
            long w = state.word();
            switch (LeaseState.state(w)) {
                case LEASED:
                case SETUP: // HikariCP checking the driver while it sets the first connection up
                    return delegate.isValid(timeoutSeconds);
                case QUEUED:
                    probeTarget.awaitEnd();
                    state.cancelQueued(w); // still queued: its lane is full, no verdict; look at it ourselves
                    continue;
                case DEAD:
                case CLOSED:
                    return false;
                case PROBING:
                    probeTarget.awaitEnd();
                    if (state.state() == State.PROBING) {
                        return false;
                    }
                    continue;
                default: // IDLE
                    long token = state.tryProbe();
                    if (token < 0) {
                        continue;
                    }
                    if (System.nanoTime() - probeTarget.lastAliveNanos() < binding.intervalNanos()) {
                        return probeTarget.checkSocket(token);
                    }
                    return probeTarget.inline(token);
            }
        }
    }

    /**
     * HikariCP sets the validation timeout around its borrow-time check, and restores it. On an idle connection the
     * call is made under a claim, so that it never overlaps a probe (whose driver saves and restores the same
     * timeout and could otherwise restore the wrong one).
     */
    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        while (true) {
            long w = state.word();
            switch (LeaseState.state(w)) {
                case DEAD:
                case CLOSED:
                    return; // aborted; isValid will say so without a HikariCP warning
                case PROBING:
                    probeTarget.awaitEnd();
                    if (state.state() == State.PROBING) {
                        return; // a probe past its deadline: the deadline will end it
                    }
                    continue;
                case QUEUED:
                    probeTarget.awaitEnd();
                    state.cancelQueued(w);
                    continue;
                case IDLE:
                    long token = state.tryProbe();
                    if (token < 0) {
                        continue;
                    }
                    try {
                        delegate.setNetworkTimeout(executor, milliseconds);
                    } finally {
                        probeTarget.abandon(token);
                    }
                    return;
                default: // LEASED, SETUP
                    delegate.setNetworkTimeout(executor, milliseconds);
                    return;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        State was = state.close();
        if (was == null) {
            return;
        }
        binding.closed(this, was);
        if (was == State.DEAD) {
            return; // aborted when it was found dead
        }
        if (was == State.PROBING) {
            physicalClose.abort();
            return;
        }
        physicalClose.closeBounded();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        State was = state.close();
        if (was != null) {
            binding.closed(this, was);
            if (was != State.DEAD) {
                physicalClose.abort();
            }
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        State s = state.state();
        return s == State.CLOSED || s == State.DEAD || delegate.isClosed();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(delegate)) {
            return iface.cast(delegate);
        }
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(delegate) || delegate.isWrapperFor(iface);
    }

    @Override
    public boolean markDead() {
        boolean changed = state.markDead();
        probeTarget.ended();
        return changed;
    }

    @Override
    public String toString() {
        return "TrackedConnection{" + ref + ", " + state.state() + "}";
    }
}
