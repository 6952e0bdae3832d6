package io.github.jdbcliveness.soak;

/**
 * One request as its application thread saw it, in nanoseconds from the soak's start.
 *
 * @param expectedNanos how long it takes by itself with nothing wrong (a long query's sleep; 0 otherwise)
 * @param interrupted   another thread interrupted it (its failure, if any, is the application's doing)
 * @param error         the failure, or null
 */
public record RequestRecord(RequestKind kind, long startNanos, long endNanos, long expectedNanos, boolean interrupted,
        String error) {

    public boolean failed() {
        return error != null;
    }
}
