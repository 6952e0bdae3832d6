package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;

/**
 * The real {@link LeaseState} of one connection, opened up for the simulator ({@code io.github.jdbcliveness.sim}):
 * each method is one of its named transitions or reads, unchanged. Test code.
 */
public final class SimLease {

    private final LeaseState state = LeaseState.inSetup();

    /** SETUP → IDLE (HikariCP has set the connection up). */
    public boolean ready() {
        return state.ready();
    }

    public long tryQueueProbe() {
        return state.tryQueueProbe();
    }

    public boolean startQueued(long queuedWord) {
        return state.startQueued(queuedWord);
    }

    public boolean cancelQueued(long queuedWord) {
        return state.cancelQueued(queuedWord);
    }

    /** The word a queued probe has once it started. */
    public static long started(long probeWord) {
        return LeaseState.started(probeWord);
    }

    public boolean passProbe(long probeWord) {
        return state.passProbe(probeWord);
    }

    public boolean failProbe(long probeWord) {
        return state.failProbe(probeWord);
    }

    /** @return the lease word (≥ 0), or the refused word negated minus one */
    public long tryLease() {
        return state.tryLease();
    }

    /** The state's name that refused a {@link #tryLease()}. */
    public static String refused(long tryLeaseResult) {
        return LeaseState.refused(tryLeaseResult).name();
    }

    public void leased(long leaseWord) {
        state.leased(leaseWord);
    }

    public void refusedAfter(long nanos) {
        state.refusedAfter(nanos);
    }

    public long endLease() {
        return state.endLease();
    }

    public boolean release(long leaseWord) {
        return state.release(leaseWord);
    }

    /** LIVE, REFUSED or NOT_BEGUN: what the current borrower's beginRequest found. */
    public String lease() {
        return state.lease().name();
    }

    public long refusedAfterNanos() {
        return state.refusedAfterNanos();
    }

    public boolean markDead() {
        return state.markDead();
    }

    public boolean markDeadIfLease(long leaseEpoch) {
        return state.markDeadIfLease(leaseEpoch);
    }

    /** @return the state it was in, or null when already closed */
    public String close() {
        LeaseState.State was = state.close();
        return was == null ? null : was.name();
    }

    /** The epoch of the lease the connection is in, or -1 when it is not leased ({@code WatchdogView}'s). */
    public long leaseEpoch() {
        long w = state.word();
        return LeaseState.state(w) == LeaseState.State.LEASED ? LeaseState.epoch(w) : -1;
    }

    /** Dead or closed: what {@code ProbeTarget.retired()} answers. */
    public boolean retired() {
        LeaseState.State s = state.state();
        return s == LeaseState.State.DEAD || s == LeaseState.State.CLOSED;
    }

    public long word() {
        return state.word();
    }

    public String state() {
        return state.state().name();
    }

    public static String state(long word) {
        return LeaseState.state(word).name();
    }

    public static long epoch(long word) {
        return LeaseState.epoch(word);
    }

    /** {@link Verdicts#sweepsHost}: whether a connection found dead for this reason sweeps its host. */
    public static boolean sweepsHost(EvictionReason reason, Throwable cause) {
        return Verdicts.sweepsHost(reason, cause);
    }

    /** {@link ProbeTarget#WAIT_SLACK_NANOS}: how much longer than the probe timeout a borrower waits for a probe. */
    public static final long WAIT_SLACK_NANOS = ProbeTarget.WAIT_SLACK_NANOS;

    @Override
    public String toString() {
        return state().toString();
    }
}
