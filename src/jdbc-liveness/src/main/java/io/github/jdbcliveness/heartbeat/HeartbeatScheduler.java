package io.github.jdbcliveness.heartbeat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one heartbeat of the JVM: a ticker thread that drives {@link HeartbeatCore} and a small pool of probe threads,
 * shared by every pool. Pools {@link #acquire()} it and {@link #release()} it; the last release stops both, so
 * nothing is left running once every pool is closed.
 *
 * <p>The ticker sleeps until the earliest scheduled entry falls due, and indefinitely while nothing is scheduled.
 * Commands queued by other threads (a registration, a probe's result) wake it, but no sooner than one tick after its
 * last wakeup: its wakeups are bounded by the tick rate, whatever the number of connections, and are about zero
 * while nothing is due.
 */
public final class HeartbeatScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatScheduler.class);
    /** Wheel resolution: fine enough for heartbeat intervals down to 10 ms and probe timeouts of 50 ms. */
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A wakeup this late is a stall (GC pause, VM freeze, starved CPU), not ordinary scheduling noise. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * How far ahead of its plan a probe may start, at most (a twentieth of the shortest interval when that is less):
     * thousands of connections then cost the ticker about ten wakeups a second, not one per tick.
     */
    static final long MAX_LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Probe threads per host. A probe of a dead connection holds its thread until the probe timeout, and when a path
     * dies every connection behind it is probed at once (a host sweep, in every pool): a host's lane grows to this
     * many threads before its probes queue, and other hosts' probes never queue behind it. Sized so that a host's
     * idle connections are all probed in one round: beyond 256 idle connections to one dead host, the last of them
     * are found one probe timeout later per 256.
     */
    public static final int PROBE_THREADS_PER_HOST = 256;

    private static final Object LOCK = new Object();
    /** Written by the ticker thread only. */
    private volatile long wakeups;
    private static HeartbeatScheduler shared;
    private static int users;

    private final HeartbeatCore core;
    private final ProbeLanes probes;
    private final ThreadPoolExecutor maintenance;
    private final Thread ticker;
    private final List<HeartbeatEvents> listeners = new CopyOnWriteArrayList<>();
    /**
     * Stalls of every scheduler this JVM has run: a stall is the JVM's, not a pool's, and a count that restarted at
     * zero whenever the last pool closed and a new one started would read as a counter reset.
     */
    private static final AtomicLong STALLS = new AtomicLong();
    private final AtomicLong reprobes = new AtomicLong();
    /**
     * The ticker has been unparked for the unhurried commands queued since its last tick: one unpark per tick is
     * enough.
     */
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    /**
     * The same for a command that must be drained within a tick (a sweep, a new periodic task): set, the ticker
     * sleeps one tick at most.
     */
    private final AtomicBoolean urgent = new AtomicBoolean();
    /** When the ticker's current sleep ends ({@link Long#MAX_VALUE}: until woken; {@link #AWAKE}: not asleep). */
    private volatile long sleepingUntil = AWAKE;
    private volatile long lastTickNanos;
    private static final long AWAKE = Long.MIN_VALUE;
    private volatile boolean running = true;

    private HeartbeatScheduler() {
        probes = new ProbeLanes(PROBE_THREADS_PER_HOST, "jdbc-liveness-probe-");
        AtomicInteger n = new AtomicInteger();
        maintenance = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, "jdbc-liveness-maintenance-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // A probe's result is queued as a command from the probe thread; it wakes the ticker within a lead
        // (unhurriedCommandQueued), since it only plans the connection's next probe.
        core = new HeartbeatCore(TICK_NANOS, STALL_NANOS, MAX_LEAD_NANOS, System.nanoTime(),
                this::submitProbe, maintenance, System::nanoTime,
                bound -> bound <= 0 ? 0 : ThreadLocalRandom.current().nextLong(bound), new HeartbeatEvents() {
                    @Override
                    public void stalled(long lagNanos) {
                        STALLS.incrementAndGet();
                        LOG.warn("heartbeat ticker woke {} ms late (GC pause or VM freeze?): probe timeouts in that "
                                + "window get a second chance", TimeUnit.NANOSECONDS.toMillis(lagNanos));
                        tell(l -> l.stalled(lagNanos));
                    }

                    @Override
                    public void reprobedAfterStall(Probeable p) {
                        reprobes.incrementAndGet();
                        tell(l -> l.reprobedAfterStall(p));
                    }
                });
        ticker = new Thread(this::run, "jdbc-liveness-heartbeat");
        ticker.setDaemon(true);
        ticker.start();
    }

    /**
     * The ticker's planned probes share the probe thread already awake; a sweep's probes get a thread each at once
     * (they look for a dead host). Borrowers' validations come through {@link #probes()}, which always does.
     */
    private void submitProbe(Runnable task) {
        boolean batchable = task instanceof ProbeLanes.LanedTask l && l.batchable();
        Runnable run = wakingAfter(task);
        if (batchable) {
            probes.executeBatched(run);
        } else {
            probes.execute(run);
        }
    }

    /** The task, in its own lane, followed by a wake of the ticker for the result its end queued, if need be. */
    private Runnable wakingAfter(Runnable task) {
        String lane = task instanceof ProbeLanes.LanedTask l ? l.lane() : "";
        return probeTask(lane, () -> {
            try {
                task.run();
            } finally {
                unhurriedCommandQueued();
            }
        });
    }

    /** The shared scheduler, started on first use. Pair every call with {@link #release()}. */
    public static HeartbeatScheduler acquire() {
        synchronized (LOCK) {
            if (shared == null) {
                shared = new HeartbeatScheduler();
            }
            users++;
            return shared;
        }
    }

    /**
     * Gives the scheduler back; the last one out stops the ticker and the probe threads, lets the aborts and closes
     * already handed to the maintenance threads finish (a physical connection must not leak), and waits for them.
     */
    public void release() {
        synchronized (LOCK) {
            if (shared != this || --users > 0) {
                return;
            }
            shared = null;
        }
        running = false;
        LockSupport.unpark(ticker);
        probes.shutdownNow();
        maintenance.shutdown();
        try {
            ticker.join(TimeUnit.SECONDS.toMillis(5));
            if (!probes.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("probe threads still running 5 s after the last pool closed");
            }
            if (!maintenance.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("aborts or closes of physical connections still running 5 s after the last pool closed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a scheduler is running in this JVM (for tests that check nothing is left behind). */
    public static boolean running() {
        synchronized (LOCK) {
            return shared != null;
        }
    }

    public void addListener(HeartbeatEvents l) {
        listeners.add(l);
    }

    public void removeListener(HeartbeatEvents l) {
        listeners.remove(l);
    }

    /** Each pool hears of a stall even when another's listener throws (anything: it runs inside the tick). */
    private void tell(java.util.function.Consumer<HeartbeatEvents> event) {
        for (HeartbeatEvents l : listeners) {
            try {
                event.accept(l);
            } catch (Throwable e) {
                LOG.warn("a heartbeat listener threw; ignored", e);
            }
        }
    }

    public void register(Probeable p) {
        core.register(p, System.nanoTime());
        unhurriedCommandQueued(); // its first probe is 100 ms away at the soonest
    }

    /** Runs {@code task} every {@code period} on a probe thread; cancel the result to stop it. */
    public HeartbeatCore.Periodic every(java.time.Duration period, Runnable task) {
        HeartbeatCore.Periodic p = core.every(period.toNanos(), task, System.nanoTime());
        commandQueued();
        return p;
    }

    public void deregister(Probeable p) {
        core.deregister(p);
        unhurriedCommandQueued();
    }

    /** Probes the other idle connections to this host now, claiming them before it returns. */
    public void sweep(String hostKey, Probeable except) {
        core.sweepNow(hostKey, except);
        commandQueued();
    }

    /**
     * Probe threads, a lane per host: for round trips that check a connection (a borrower's validation, HikariCP's
     * borrow-time check). Submit {@link #probeTask}s so each lands in its host's lane.
     */
    public Executor probes() {
        return probes;
    }

    /** A task for {@link #probes()} in the lane of {@code hostKey}. */
    public static Runnable probeTask(String hostKey, Runnable task) {
        return new ProbeLanes.LanedTask() {
            @Override
            public String lane() {
                return hostKey;
            }

            @Override
            public void run() {
                task.run();
            }
        };
    }

    /** Threads for aborts, bounded closes and evictions: never a probe lane, never the ticker, never a borrower. */
    public ExecutorService maintenance() {
        return maintenance;
    }

    /** How often the ticker has woken up so far (each wakeup runs one tick): for the heartbeat-scale benchmark. */
    public long wakeups() {
        return wakeups;
    }

    /** Ticker stalls in this JVM so far, over every scheduler it has run. */
    public static long stalls() {
        return STALLS.get();
    }

    public long reprobesAfterStall() {
        return reprobes.get();
    }

    /** Any thread, after queuing a command: wakes the ticker unless it was already woken since its last tick. */
    private void commandQueued() {
        if (core.hasCommands()) {
            wakeUrgently();
        }
    }

    /**
     * Any thread, after queuing a command that can wait up to one lead: a probe's result (it plans the connection's
     * next probe, an interval away), a registration (its first probe is at least 100 ms away) or a deregistration.
     * With thousands of connections HikariCP retires and replaces several a second (maxLifetime), and each probe
     * ends with a result. The ticker is woken only if it sleeps longer than one lead.
     */
    private void unhurriedCommandQueued() {
        long until = sleepingUntil;
        if (until != AWAKE && (until == Long.MAX_VALUE || until - (lastTickNanos + lazyNanos()) > 0)
                && core.hasCommands()) {
            wake();
        }
    }

    private long lazyNanos() {
        return Math.max(TICK_NANOS, core.leadNanos());
    }

    private void wake() {
        if (!wakeRequested.get() && !wakeRequested.getAndSet(true)) {
            LockSupport.unpark(ticker);
        }
    }

    private void wakeUrgently() {
        if (!urgent.get() && !urgent.getAndSet(true)) {
            LockSupport.unpark(ticker);
        }
    }

    private void run() {
        long wake = System.nanoTime();
        while (running) {
            wakeups++;
            long tickedAt = System.nanoTime();
            lastTickNanos = tickedAt;
            sleepingUntil = AWAKE;
            // Cleared before the tick drains the queue: a command queued after the drain unparks the ticker again.
            wakeRequested.set(false);
            urgent.set(false);
            try {
                wake = core.tick(tickedAt);
            } catch (RuntimeException | Error e) {
                LOG.error("heartbeat tick failed; continuing", e);
            }
            probes.nudge();
            // The plan is the earliest due time, possibly seconds away. Queued commands cut the sleep short, but
            // not below one tick, so a burst of probe results costs one wakeup, not one each; results alone wait
            // up to one lead, when the next probes are started anyway.
            while (running) {
                long until = wake;
                boolean pending = core.hasCommands() || probes.waiting();
                if (pending) {
                    // Probes this tick queued for the probe thread it woke wait one lead at most, which the lead
                    // they started early by covers, before a nudge gives them threads of their own if it hangs.
                    long by = tickedAt + (urgent.get() ? TICK_NANOS : lazyNanos());
                    if (until == Long.MAX_VALUE || until - by > 0) {
                        until = by;
                    }
                }
                sleepingUntil = until;
                if (!pending && (core.hasCommands() || probes.waiting())) {
                    continue; // a result came while this plan was made: its thread may have read the old sleep
                }
                long now = System.nanoTime();
                if (until != Long.MAX_VALUE && now - until >= 0) {
                    break;
                }
                if (until == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    LockSupport.parkNanos(this, until - now);
                }
            }
            if (core.hasCommands() || probes.waiting()) {
                // Woken ahead of the plan: no lag to measure against it (a long planned sleep is no stall).
                core.wokenByCommand(System.nanoTime());
            }
        }
    }
}
