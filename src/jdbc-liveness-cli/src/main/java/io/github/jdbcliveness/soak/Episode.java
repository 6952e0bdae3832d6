package io.github.jdbcliveness.soak;

import java.time.Duration;

/**
 * One fault of a soak's schedule: what, when (from the soak's start), for how long, and an optional client stall laid
 * on top of it, starting {@code stallAfter} into it (faults in combination).
 */
public record Episode(FaultKind kind, Duration at, Duration length, Duration stallAfter, Duration stall) {

    public boolean stalls() {
        return !stall.isZero();
    }

    @Override
    public String toString() {
        String s = kind + (kind.instant() ? "" : " for " + Seconds.of(length));
        return stalls() ? s + ", a client stall of " + Seconds.of(stall) + " " + Seconds.of(stallAfter) + " in" : s;
    }
}
