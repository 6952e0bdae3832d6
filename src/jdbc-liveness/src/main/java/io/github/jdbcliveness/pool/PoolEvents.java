package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.KeepaliveSummary;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.LivenessStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's counters and its listeners: every event is counted here and then told to each listener, so the
 * numbers in {@link LivenessStats} and what listeners saw always agree. A listener that throws anything, an
 * {@link Error} included, is logged and otherwise ignored: the event is told from inside the engine (a probe's
 * verdict, an eviction under way), and a test's AssertionError in a listener must not leave a dead connection in
 * the pool or cost the other listeners their event.
 */
final class PoolEvents {

    private static final Logger LOG = LoggerFactory.getLogger(PoolEvents.class);

    private final String poolName;
    private final WarnBudget warnBudget = new WarnBudget();
    private final List<LivenessListener> listeners = new CopyOnWriteArrayList<>();
    private final LongAdder probes = new LongAdder();
    private final LongAdder probesPassed = new LongAdder();
    private final LongAdder probeFailures = new LongAdder();
    private final LongAdder probeTimeouts = new LongAdder();
    private final Map<EvictionReason, LongAdder> evictions = new EnumMap<>(EvictionReason.class);
    private final AtomicLong latencyMaxNanos = new AtomicLong();
    private final LongAdder latencySumNanos = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicInteger knownDead = new AtomicInteger();
    private final LongAdder borrowsSkippedDead = new LongAdder();
    private final LongAdder borrowWaits = new LongAdder();

    PoolEvents(String poolName) {
        this.poolName = poolName;
        for (EvictionReason r : EvictionReason.values()) {
            evictions.put(r, new LongAdder());
        }
    }

    void addListener(LivenessListener l) {
        listeners.add(l);
    }

    void removeListener(LivenessListener l) {
        listeners.remove(l);
    }

    void opened(ConnectionRef ref, AppliedKeepalive applied) {
        tell(l -> l.onConnectionOpened(ref, applied));
    }

    void probeStarted() {
        probes.increment();
    }

    void probePassed(ConnectionRef ref, long tookNanos) {
        probesPassed.increment();
        tell(l -> l.onProbePassed(ref, Duration.ofNanos(tookNanos)));
    }

    /** A borrower's validation probe passed (validate-on-borrow). */
    void probeValidated() {
        probesPassed.increment();
    }

    void borrowWaitedForProbe() {
        borrowWaits.increment();
    }

    void borrowSkippedDead(ConnectionRef ref) {
        borrowsSkippedDead.increment();
        tell(l -> l.onBorrowSkippedDead(ref));
    }

    void stalled(Duration lag) {
        tell(l -> l.onStall(lag));
    }

    /**
     * A connection was found dead (it is DEAD already): counted once, logged once (at WARN within the
     * {@link WarnBudget}, else at DEBUG), told once.
     *
     * @param latencyNanos how long since it was last known alive
     * @param why          the log's explanation
     */
    void dead(ConnectionRef ref, EvictionReason reason, Throwable cause, String why, long tookNanos,
            long latencyNanos, long nowNanos) {
        knownDead.incrementAndGet();
        if (reason == EvictionReason.PROBE_TIMEOUT) {
            probeTimeouts.increment();
        } else if (reason == EvictionReason.PROBE_FAILED) {
            probeFailures.increment();
        }
        evictions.get(reason).increment();
        latencyMaxNanos.accumulateAndGet(latencyNanos, Math::max);
        latencySumNanos.add(latencyNanos);
        latencyCount.increment();
        long heldBack = warnBudget.admit(nowNanos);
        if (heldBack > 0) {
            LOG.warn("{} - evicted connection {}: {} ({} more evicted since the line before, logged at DEBUG: more than "
                    + "{} at once, then one line a second; the stats count every one)", poolName, ref, why, heldBack,
                    WarnBudget.BURST);
        } else if (heldBack == 0) {
            LOG.warn("{} - evicted connection {}: {}", poolName, ref, why);
        } else {
            LOG.debug("{} - evicted connection {}: {}", poolName, ref, why);
        }
        if (reason == EvictionReason.PROBE_FAILED || reason == EvictionReason.PROBE_TIMEOUT) {
            Duration took = Duration.ofNanos(tookNanos);
            tell(l -> l.onProbeFailed(ref, reason, took, cause));
        }
        tell(l -> l.onEvicted(ref, reason, Duration.ofNanos(latencyNanos), nowNanos));
    }

    /** HikariCP removed a connection that was known dead. */
    void deadRemoved() {
        knownDead.decrementAndGet();
    }

    /** The host was judged down (hung or unreachable). */
    void hostDown(String host, String evidence, long nowNanos) {
        LOG.warn("{} - database host {} judged down: {}; requests waiting on it are aborted, and borrowers that "
                + "would wait for a new connection fail at once, until it answers again", poolName, host, evidence);
        tell(l -> l.onHostDown(host, evidence, nowNanos));
    }

    /** The host answered again. */
    void hostUp(String host, Duration downFor, long nowNanos) {
        LOG.info("{} - database host {} answers again after {} ms: re-admitted", poolName, host, downFor.toMillis());
        tell(l -> l.onHostUp(host, downFor, nowNanos));
    }

    LivenessStats stats(int tracked, long stalls, long reprobes, KeepaliveSummary keepalive,
            LivenessStats.Watchdog watchdog, LivenessStats.Host host, List<LivenessStats.Host> hosts,
            Map<LivenessStats.Layer, String> off) {
        Map<EvictionReason, Long> byReason = new EnumMap<>(EvictionReason.class);
        evictions.forEach((r, n) -> byReason.put(r, n.sum()));
        long count = latencyCount.sum();
        return new LivenessStats(probes.sum(), probesPassed.sum(), probeFailures.sum(), probeTimeouts.sum(),
                Map.copyOf(byReason), Duration.ofNanos(latencyMaxNanos.get()),
                count == 0 ? Duration.ZERO : Duration.ofNanos(latencySumNanos.sum() / count), knownDead.get(),
                tracked, borrowsSkippedDead.sum(), borrowWaits.sum(), stalls, reprobes, keepalive, watchdog, host, hosts,
                off);
    }

    private void tell(Consumer<LivenessListener> event) {
        for (LivenessListener l : listeners) {
            try {
                event.accept(l);
            } catch (Throwable e) {
                LOG.warn("{} - a LivenessListener threw; ignored", poolName, e);
            }
        }
    }
}
