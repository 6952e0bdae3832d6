package io.github.jdbcliveness.inflight;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds requests that went into a dead path. Linux sends no keepalive probe while data is unacknowledged: it
 * retransmits instead, for about 15 minutes. The kernel's own record of a socket ({@code /proc/net/tcp}) shows it:
 * bytes in {@code tx_queue} under the retransmit timer, and acknowledgements that no longer move. The JDK has no
 * {@code TCP_USER_TIMEOUT}; this is its stand-in, in user space. Internal.
 *
 * <p>Cheap by construction. Each look first walks the pool's connections in memory: a lease is a suspect only when
 * the same lease was already there one look earlier, so a borrow and return costs nothing and short requests are
 * never looked at. {@code /proc} is read only when a suspect exists, in one pass, parsing only the suspects' lines.
 * The verdict is {@link LeaseWatch#judge}'s; an abort reaches a connection only while it is in the same lease.
 */
public final class InflightWatchdog implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(InflightWatchdog.class);
    private static final AtomicBoolean WARNED_UNAVAILABLE = new AtomicBoolean();

    /** The kernel's record of the sockets asked about: {@link ProcNetTcp#scan} in production. */
    @FunctionalInterface
    public interface KernelTable {
        Map<ProcNetTcp.Flow, ProcNetTcp.Entry> scan(Collection<ProcNetTcp.Flow> flows) throws IOException;
    }

    private final Supplier<? extends Collection<? extends WatchedLease>> leases;
    private final long unacknowledgedNanos;
    private final boolean available;
    private final LongSupplier clock;
    private final KernelTable kernel;
    private final LongAdder looks = new LongAdder();
    private final LongAdder procReads = new LongAdder();
    private final AtomicLong procReadMaxNanos = new AtomicLong();

    public InflightWatchdog(Supplier<? extends Collection<? extends WatchedLease>> leases, long unacknowledgedNanos) {
        this(leases, unacknowledgedNanos, System::nanoTime, ProcNetTcp::scan, ProcNetTcp.available());
    }

    /**
     * With the clock and the kernel's socket table passed in: the simulator runs this watchdog on simulated time
     * against a simulated kernel.
     *
     * @param available whether the kernel's table can be read at all (else: warn once, and judge nothing)
     */
    public InflightWatchdog(Supplier<? extends Collection<? extends WatchedLease>> leases, long unacknowledgedNanos,
            LongSupplier clock, KernelTable kernel, boolean available) {
        this.leases = leases;
        this.unacknowledgedNanos = unacknowledgedNanos;
        this.clock = clock;
        this.kernel = kernel;
        this.available = available;
        if (!available && WARNED_UNAVAILABLE.compareAndSet(false, true)) {
            LOG.warn("the in-flight watchdog cannot run on {} {}: /proc/net/tcp is not readable. A request sent into "
                    + "a dead path then waits until the kernel gives up (about 15 min on Linux defaults); the blunt "
                    + "fallback is the driver's socketTimeout, which also ends legitimately long queries",
                    System.getProperty("os.name"), System.getProperty("os.version"));
        }
    }

    public boolean available() {
        return available;
    }

    public long looks() {
        return looks.sum();
    }

    public long procReads() {
        return procReads.sum();
    }

    public long procReadMaxNanos() {
        return procReadMaxNanos.get();
    }

    @Override
    public void run() {
        looks.increment();
        long now = clock.getAsLong();
        List<WatchedLease> suspects = null;
        for (WatchedLease lease : leases.get()) {
            long epoch = lease.leaseEpoch();
            long waiting = epoch < 0 ? 0 : lease.waitingOnPeerSinceNanos();
            if (waiting != 0) {
                lease.waitingForAnswer(epoch, waiting, now); // a long query, or a hung server: the host verdict's
            }
            if (lease.watch().seen(epoch, now) && lease.flow() != null) {
                if (suspects == null) {
                    suspects = new ArrayList<>();
                }
                suspects.add(lease);
            }
        }
        if (suspects == null || !available) {
            return;
        }
        List<ProcNetTcp.Flow> flows = new ArrayList<>(suspects.size());
        for (WatchedLease lease : suspects) {
            flows.add(lease.flow());
        }
        Map<ProcNetTcp.Flow, ProcNetTcp.Entry> table;
        long start = clock.getAsLong();
        try {
            table = kernel.scan(flows);
        } catch (IOException | RuntimeException e) { // unreadable, or a line this parser does not know
            LOG.debug("could not read /proc/net/tcp", e);
            return;
        } finally {
            procReads.increment();
            procReadMaxNanos.accumulateAndGet(clock.getAsLong() - start, Math::max);
        }
        for (WatchedLease lease : suspects) {
            LeaseWatch watch = lease.watch();
            String why = watch.judge(table.get(lease.flow()), lease.bytesWritten(), now, unacknowledgedNanos);
            if (why != null) {
                lease.abortIfStillLeased(watch.epoch(), "request unacknowledged: " + why, now);
            }
        }
    }
}
