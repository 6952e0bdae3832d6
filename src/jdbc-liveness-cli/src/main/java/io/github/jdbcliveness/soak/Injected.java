package io.github.jdbcliveness.soak;

/**
 * A fault as it was really in force, in nanoseconds from the soak's start: from when it was asked for
 * ({@code startNanos}, where failures become permitted) and when it was surely in force ({@code inForceNanos}, from
 * which waits are counted: a hung server is found and stopped only after an admin connection) to when it was healed,
 * and the client stall laid on it (0 and 0 for none), from before the stall was asked to after this JVM ran again.
 */
public record Injected(Episode episode, long startNanos, long inForceNanos, long endNanos, long stallStartNanos,
        long stallEndNanos) {

    public FaultKind kind() {
        return episode.kind();
    }

    /** How long this JVM stood still within {@code [from, to]}: time a request could not have used. */
    long stalledWithin(long from, long to) {
        return Math.max(0, Math.min(to, stallEndNanos) - Math.max(from, stallStartNanos));
    }
}
