package io.github.jdbcliveness;

import java.time.Duration;

/**
 * Callbacks about liveness, for metrics, logs and tests. Every method has a no-op default. Calls come from the
 * heartbeat's own threads (or a borrower's) and must return quickly and never block: hand slow work to an executor
 * of your own. A listener that throws is logged and otherwise ignored.
 */
public interface LivenessListener {

    /** A physical connection was opened; {@code keepalive} is what its socket carries, or null if not seen. */
    default void onConnectionOpened(ConnectionRef connection, AppliedKeepalive keepalive) {
    }

    default void onProbePassed(ConnectionRef connection, Duration took) {
    }

    /** A probe failed; {@code cause} is the driver's error, or null for a timeout or a "not valid" answer. */
    default void onProbeFailed(ConnectionRef connection, EvictionReason reason, Duration took, Throwable cause) {
    }

    /**
     * The connection was found dead and evicted.
     *
     * @param sinceLastAlive how long since it was last known alive: an upper bound on how long it was dead before
     *                       we noticed (the detection latency)
     * @param atNanos        {@link System#nanoTime()} of the eviction, to compare with a fault's moment
     */
    default void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive, long atNanos) {
    }

    /** The heartbeat's ticker woke {@code lag} late (GC pause, VM freeze): probes get a second chance. */
    default void onStall(Duration lag) {
    }

    /** A borrower drew a connection already known dead; it was evicted and the borrower asked again. */
    default void onBorrowSkippedDead(ConnectionRef connection) {
    }

    /**
     * The pool's database host is judged down (hung or unreachable): a new connection to it got no answer in time.
     * Until it answers again, requests waiting on it are aborted and borrowers that would wait for a new connection
     * fail at once.
     *
     * @param evidence what got no answer, for logs
     */
    default void onHostDown(String host, String evidence, long atNanos) {
    }

    /** The host answered again after {@code downFor}: re-admitted. */
    default void onHostUp(String host, Duration downFor, long atNanos) {
    }
}
