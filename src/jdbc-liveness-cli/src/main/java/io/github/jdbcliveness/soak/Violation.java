package io.github.jdbcliveness.soak;

import java.util.Locale;

/** An invariant jdbc-liveness broke in a soak, when (seconds from the start) and what happened. */
public record Violation(Invariant invariant, long atNanos, String detail) {

    /** The invariants a soak checks from outside, numbered as issue 21 and docs/soak.md number them. */
    public enum Invariant {
        DEAD_LEFT(1, "a dead connection was still in the pool B after the heal"),
        HANDED_CLOSED(2, "a borrower got a connection its server had closed"),
        WAITED_PAST_B(3, "a request waited past B on a dead path or a hung server"),
        HEALTHY_KILLED(4, "healthy work failed"),
        HEALTHY_EVICTED(4, "a connection was evicted while nothing was wrong"),
        LEFT_AFTER_CLOSE(6, "something was left running or open after close()"),
        NOT_REFILLED(7, "the pool was not full again B after the heal");

        final int number;
        final String meaning;

        Invariant(int number, String meaning) {
            this.number = number;
            this.meaning = meaning;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "at %.1f s, invariant %d (%s): %s", atNanos / 1e9, invariant.number,
                invariant.meaning, detail);
    }
}
