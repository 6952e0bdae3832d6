package io.github.jdbcliveness.pool;

/**
 * The real {@link LeaseState} of one connection, opened up for the simulator ({@code io.github.jdbcliveness.sim}):
 * each method is one of its named transitions or reads, unchanged. The borrower's transitions run through
 * {@link SimEngine}'s {@code LeaseAttempt} and {@code BorrowGuard}. Test code.
 */
public final class SimLease {

    private final LeaseState state = LeaseState.inSetup();

    LeaseState leaseState() {
        return state;
    }

    /** SETUP → IDLE (HikariCP has set the connection up). */
    public boolean ready() {
        return state.ready();
    }

    /** The word a queued probe has once it started. */
    public static long started(long probeWord) {
        return LeaseState.started(probeWord);
    }

    public long endLease() {
        return state.endLease();
    }

    public boolean release(long leaseWord) {
        return state.release(leaseWord);
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

    @Override
    public String toString() {
        return state().toString();
    }
}
