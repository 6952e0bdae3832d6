package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.inflight.ProcNetTcp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds requests that went into a dead path. Linux sends no keepalive probe while data is unacknowledged: it
 * retransmits instead, for about 15 minutes. The kernel's own record of a socket ({@code /proc/net/tcp}) shows it:
 * bytes in {@code tx_queue} with the retransmit timer running. The JDK has no {@code TCP_USER_TIMEOUT}; this is its
 * stand-in, in user space.
 *
 * <p>Cheap by construction. Each look first walks the pool's connections in memory: a lease is a suspect only when
 * the same lease (the same epoch of its state word) was already there one look earlier, so a borrow and return
 * costs nothing and short requests are never looked at. {@code /proc} is read only when a suspect exists, in one
 * pass, parsing only the suspects' lines. A suspect whose data stays unacknowledged under the retransmit timer for
 * {@code unacknowledgedTimeout} (counted from what the kernel's retransmissions prove, when that is earlier than the
 * watchdog's first sight) is aborted; one whose request was acknowledged (a long query) is never touched.
 */
final class InflightWatchdog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(InflightWatchdog.class);
    private static final AtomicBoolean WARNED_UNAVAILABLE = new AtomicBoolean();

    private final PoolBinding binding;
    private final long unacknowledgedNanos;
    private final boolean available = ProcNetTcp.available();
    final LongAdder looks = new LongAdder();
    final LongAdder procReads = new LongAdder();
    final AtomicLong procReadMaxNanos = new AtomicLong();

    InflightWatchdog(PoolBinding binding, long unacknowledgedNanos) {
        this.binding = binding;
        this.unacknowledgedNanos = unacknowledgedNanos;
        if (!available && WARNED_UNAVAILABLE.compareAndSet(false, true)) {
            LOG.warn("the in-flight watchdog cannot run on {} {}: /proc/net/tcp is not readable. A request sent into "
                    + "a dead path then waits until the kernel gives up (about 15 min on Linux defaults); the blunt "
                    + "fallback is the driver's socketTimeout, which also ends legitimately long queries",
                    System.getProperty("os.name"), System.getProperty("os.version"));
        }
    }

    boolean available() {
        return available;
    }

    @Override
    public void run() {
        looks.increment();
        long now = System.nanoTime();
        List<TrackedConnection> suspects = null;
        for (TrackedConnection t : binding.live()) {
            long w = t.state.word();
            if (LeaseState.state(w) != LeaseState.State.LEASED) {
                t.watchedEpoch = -1;
                continue;
            }
            long epoch = LeaseState.epoch(w);
            if (t.watchedEpoch != epoch) {
                t.watchedEpoch = epoch;
                t.watchedSinceNanos = now;
                t.stuckSinceNanos = 0;
                continue;
            }
            if (t.flow >= 0) {
                if (suspects == null) {
                    suspects = new ArrayList<>();
                }
                suspects.add(t);
            }
        }
        if (suspects == null || !available) {
            return;
        }
        Set<Long> flows = new HashSet<>();
        for (TrackedConnection t : suspects) {
            flows.add(t.flow);
        }
        Map<Long, ProcNetTcp.Entry> kernel;
        long start = System.nanoTime();
        try {
            kernel = ProcNetTcp.scan(flows);
        } catch (IOException e) {
            LOG.debug("could not read /proc/net/tcp", e);
            return;
        } finally {
            long took = System.nanoTime() - start;
            procReads.increment();
            procReadMaxNanos.accumulateAndGet(took, Math::max);
        }
        for (TrackedConnection t : suspects) {
            ProcNetTcp.Entry e = kernel.get(t.flow);
            // Sent bytes waiting for an ACK under the retransmit timer. On a healthy path that lasts about one round
            // trip; unacknowledgedTimeout must be several of them. Retransmissions only tell how long it has lasted.
            boolean stuck = e != null && e.txQueue() > 0 && e.timer() == ProcNetTcp.TIMER_RETRANSMIT;
            if (!stuck) {
                t.stuckSinceNanos = 0;
                continue;
            }
            // The kernel's retransmissions prove the data waited at least RTO × (2^n − 1): count from there.
            long since = now - Math.min(e.provenUnacknowledgedNanos(), now - t.watchedSinceNanos);
            if (t.stuckSinceNanos == 0 || since - t.stuckSinceNanos < 0) {
                t.stuckSinceNanos = since;
            }
            if (now - t.stuckSinceNanos >= unacknowledgedNanos) {
                binding.abortInFlight(t, "request unacknowledged for "
                        + TimeUnit.NANOSECONDS.toMillis(now - t.stuckSinceNanos) + " ms or more (" + e.txQueue()
                        + " bytes waiting, " + e.retransmits() + " retransmissions): the path is dead", now);
            }
        }
    }
}
