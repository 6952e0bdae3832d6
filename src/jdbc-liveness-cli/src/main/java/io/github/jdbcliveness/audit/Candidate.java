package io.github.jdbcliveness.audit;

import java.time.Duration;
import java.util.Optional;

/** One mechanism that would notice a fault, and when; the earliest of several wins. */
record Candidate(Optional<Duration> after, String how) {

    static Candidate at(Duration after, String how) {
        return new Candidate(Optional.of(after), how);
    }

    static Candidate never(String how) {
        return new Candidate(Optional.empty(), how);
    }

    /** The earlier of the two; of two nevers, both reasons. */
    Candidate or(Candidate other) {
        if (after.isEmpty() && other.after.isEmpty()) {
            return new Candidate(Optional.empty(), how + "; " + other.how);
        }
        if (after.isEmpty()) {
            return other;
        }
        if (other.after.isEmpty()) {
            return this;
        }
        return other.after.get().compareTo(after.get()) < 0 ? other : this;
    }
}
