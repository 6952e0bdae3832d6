package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessListener;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the drill's pools told: evictions by reason with their moments, host verdicts. */
final class DrillRecorder implements LivenessListener {

    private final Map<EvictionReason, Integer> byReason = new EnumMap<>(EvictionReason.class);
    private long firstDetection;
    private long lastEviction;
    private long hostDownAt;
    private String hostEvidence;
    private int evictions;
    private int brokenByRequests;

    @Override
    public synchronized void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
            long atNanos) {
        byReason.merge(reason, 1, Integer::sum);
        evictions++;
        lastEviction = atNanos;
        detected(atNanos);
    }

    @Override
    public synchronized void onHostDown(String host, String evidence, long atNanos) {
        if (hostDownAt == 0) {
            hostDownAt = atNanos;
            hostEvidence = evidence;
        }
        detected(atNanos);
    }

    /**
     * A request of the drill's traffic failed with a connection error (SQLState 08xxx): HikariCP ends that
     * connection itself, so the pool noticed through the request.
     */
    synchronized void connectionError(long atNanos) {
        brokenByRequests++;
        detected(atNanos);
    }

    private void detected(long atNanos) {
        if (firstDetection == 0) {
            firstDetection = atNanos;
        }
        notifyAll();
    }

    /** Forgets what came before a fault, so that detections are counted from it. */
    synchronized void reset() {
        byReason.clear();
        firstDetection = 0;
        lastEviction = 0;
        hostDownAt = 0;
        hostEvidence = null;
        evictions = 0;
        brokenByRequests = 0;
    }

    /** The first detection since the last {@link #reset()}, waiting until {@code deadlineNanos}; 0 if none. */
    synchronized long awaitDetection(long deadlineNanos) throws InterruptedException {
        while (firstDetection == 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return firstDetection;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(new EnumMap<>(byReason), evictions, firstDetection, lastEviction, hostDownAt,
                hostEvidence, brokenByRequests);
    }

    record Snapshot(Map<EvictionReason, Integer> byReason, int evictions, long firstDetection, long lastEviction,
            long hostDownAt, String hostEvidence, int brokenByRequests) {

        /** Which of jdbc-liveness's layers caught it, from the eviction reasons and the verdict. */
        String caughtBy() {
            StringBuilder s = new StringBuilder();
            byReason.forEach((reason, n) -> s.append(s.length() == 0 ? "" : ", ").append(layerOf(reason))
                    .append(" (").append(reason).append(" ×").append(n).append(')'));
            if (hostDownAt != 0 && !byReason.containsKey(EvictionReason.HOST_DOWN)) {
                s.append(s.length() == 0 ? "" : ", ").append("host verdict (judged down)");
            }
            if (brokenByRequests > 0) {
                s.append(s.length() == 0 ? "" : ", ").append("connection errors of requests, whose connections "
                        + "HikariCP ended (×").append(brokenByRequests).append(')');
            }
            return s.length() == 0 ? "nothing" : s.toString();
        }

        private static String layerOf(EvictionReason reason) {
            return switch (reason) {
                case PROBE_FAILED, PROBE_TIMEOUT -> "heartbeat";
                case UNACKNOWLEDGED_DATA -> "in-flight watchdog";
                case HOST_DOWN -> "host verdict";
                case CLOSED_BY_SERVER -> "borrow check";
                case WRONG_ROLE -> "role check";
            };
        }
    }
}
