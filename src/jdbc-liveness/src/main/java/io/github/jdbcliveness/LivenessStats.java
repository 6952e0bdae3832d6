package io.github.jdbcliveness;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of one {@link LivenessDataSource}'s liveness work since it started.
 *
 * @param probes               probes started (heartbeat and borrow-time)
 * @param probesPassed         probes that passed
 * @param probeFailures        probes that failed with an error or "not valid"
 * @param probeTimeouts        probes that got no answer within the probe timeout
 * @param evictions            connections evicted, by reason
 * @param detectionLatencyMax  the longest time from "last known alive" to eviction
 * @param detectionLatencyMean the mean of the same
 * @param knownDeadNow         connections known dead that the pool has not finished removing
 * @param tracked              physical connections open now
 * @param borrowsSkippedDead   borrows that drew a dead connection, evicted it, and asked again
 * @param borrowWaitsForProbe  borrows that waited for a running probe
 * @param stalls               ticker stalls in this JVM so far (JVM-wide: every pool shows the same number)
 * @param reprobesAfterStall   probe timeouts forgiven because of a stall, by the heartbeat all pools share (every
 *                             pool shows the same number; it restarts at zero when the last pool closes)
 * @param keepalive            what the sockets carry ({@code null} when keepalive tuning is off)
 * @param watchdog             what the in-flight watchdog did; its aborts are the {@code UNACKNOWLEDGED_DATA}
 *                             evictions
 * @param host                 the verdict on the pool's database host; for a URL that names several hosts, the
 *                             pool's: down when every one of them is (borrowers then fail fast), named by them all
 * @param hosts                the verdict on each host the URL names, in the URL's order: one element, equal to
 *                             {@code host}, for a URL that names one (or a driver whose sockets jdbc-liveness does
 *                             not see)
 * @param off                  the layers not running for this pool, each with the reason (empty when all run):
 *                             switched off, not possible here ({@code /proc/net/tcp} unreadable), or not possible
 *                             with this driver, whose sockets jdbc-liveness cannot see (heartbeats, eviction and the
 *                             host verdict work with any driver)
 */
public record LivenessStats(long probes, long probesPassed, long probeFailures, long probeTimeouts,
        Map<EvictionReason, Long> evictions, Duration detectionLatencyMax, Duration detectionLatencyMean,
        int knownDeadNow, int tracked, long borrowsSkippedDead, long borrowWaitsForProbe, long stalls,
        long reprobesAfterStall, KeepaliveSummary keepalive, Watchdog watchdog, Host host, List<Host> hosts,
        Map<Layer, String> off) {

    /** The layers that need the connection's socket, which jdbc-liveness sees for some drivers only. */
    public enum Layer {
        /** Per-socket TCP keepalive derived from the budget. */
        KEEPALIVE,
        /** The in-flight watchdog on leased connections (Linux {@code /proc/net/tcp}). */
        WATCHDOG,
        /** The look at an idle connection's socket at borrow, without a round trip (the server's FIN or message). */
        BORROW_CHECK
    }

    /**
     * The verdict on the pool's database host.
     *
     * @param name          the host, as {@code address:port} of its connections (or the redacted URL before any); for
     *                      a URL that names several, as the URL names it ({@code host:port})
     * @param down          judged down now: a new connection got no answer in time, and nothing answered since
     * @param evidence      what got no answer, while down; null while up
     * @param timesDown     how often it was judged down so far
     * @param checks        new connections opened to check it so far
     */
    public record Host(String name, boolean down, String evidence, long timesDown, long checks) {
    }

    public LivenessStats {
        hosts = List.copyOf(hosts);
    }

    /**
     * The in-flight watchdog.
     *
     * @param enabled      running for this pool (on in the configuration, and the driver's sockets are seen)
     * @param available    {@code /proc/net/tcp} is readable here (Linux); when false, requests sent into a dead path
     *                     are not caught (see the README)
     * @param looks        times it walked the pool's leased connections
     * @param procReads    times it read the kernel's socket table (only when a lease was old enough to suspect)
     * @param procReadMax  the slowest of those reads
     */
    public record Watchdog(boolean enabled, boolean available, long looks, long procReads, Duration procReadMax) {
    }

    public long evictionsTotal() {
        return evictions.values().stream().mapToLong(Long::longValue).sum();
    }
}
