package io.github.jdbcliveness.heartbeat;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat's logic, driven by {@link #tick(long)} with the time passed in: which connection is due, starting
 * its probe on the probe executor, enforcing the probe timeout, sweeping a host after a timeout, and telling a
 * stalled scheduler apart from dead peers. Other threads talk to it through a queue that each tick drains; the
 * ticker thread ({@link HeartbeatScheduler}) is the only caller of {@code tick}.
 *
 * <p>Schedule: a new connection's first probe is spread uniformly over the second half of its first interval, so a
 * pool that opens ten connections at once does not probe them at once; after that each probe is due one interval
 * after the connection was last known alive, less up to 10 % jitter (never more, so the budget holds). A connection
 * that is leased when its probe is due is looked at again a quarter interval later.
 *
 * <p>Batching: probes may run early, never late, so each wakeup also starts the probes due within the next
 * <em>lead</em> ({@code min(maxLead, shortest interval / 20)}). While probes are due all the time (thousands of
 * connections) the ticker then wakes about once per lead instead of once per tick; a probe starts at most one lead
 * ahead of its plan, which adds at most 5 % to the probes sent. Periodic tasks (the in-flight watchdogs) run the
 * same way, a lead early at most. Deadlines are kept apart and fire on time; a probe's deadline is cancelled once
 * its result is in, so it costs no wakeup.
 *
 * <p>Stalls: the ticker knows when it meant to wake. If it wakes later than the stall threshold, every probe whose
 * deadline falls due in that tick (or within two ticks after, and that started before the stall ended) gets one
 * more probe timeout instead of an eviction: its answer may simply not have been read while the JVM stood still.
 */
public final class HeartbeatCore {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatCore.class);

    /** The earliest first probe of a new connection. */
    public static final long FIRST_PROBE_MIN_NANOS = 100_000_000L;

    /** Deadlines: they fire on time. */
    private final TimerWheel<Timer> wheel;
    /**
     * Probes due and periodic tasks: advanced one lead ahead of the clock, so that each wakeup also starts those due
     * soon after.
     */
    private final TimerWheel<Timer> dueWheel;
    private final long maxLeadNanos;
    /** The shortest interval registered so far (ticker-owned): the lead is a twentieth of it, at most. */
    private long shortestIntervalNanos = Long.MAX_VALUE;
    /** How far ahead of the clock probes start (written by the ticker, read by the scheduler's threads). */
    private volatile long leadNanos;
    /** The due wheel has been advanced up to here: a probe planned at or before it starts at once. */
    private long dueHorizonNanos;
    private final long stallThresholdNanos;
    private final Executor probes;
    /** Probes not run because the connection had answered the application since they were planned (ticker-owned). */
    private volatile long skipped;
    private final Executor tasks;
    private final LongSupplier clock;
    private final LongUnaryOperator random;
    private final HeartbeatEvents events;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Set<Probeable> registered = ConcurrentHashMap.newKeySet();
    /** Each connection's one pending Due (ticker-owned), so sweeps and reschedules never multiply probes. */
    private final Map<Probeable, TimerWheel.Entry<Timer>> dues = new HashMap<>();
    /** When the last stall was detected (the tick that woke late): the end of the stall. */
    private long lastStallNanos;
    private boolean stalledEver;
    private long plannedWakeNanos;
    /** A timeout in this tick queued a sweep (ticker-owned). */
    private boolean sweepQueued;

    /**
     * @param tickNanos           wheel resolution
     * @param stallThresholdNanos a wakeup this much later than planned is a stall
     * @param startNanos          the clock now
     * @param probes              runs probes ({@link ProbeLanes} in production: each host in a lane of its own)
     * @param tasks               runs periodic tasks (the in-flight watchdogs)
     * @param clock               read by probe threads when a probe starts and ends (never by {@code tick})
     * @param random              {@code bound -> uniform value in [0, bound)}
     */
    public HeartbeatCore(long tickNanos, long stallThresholdNanos, long startNanos, Executor probes, Executor tasks,
            LongSupplier clock, LongUnaryOperator random, HeartbeatEvents events) {
        this(tickNanos, stallThresholdNanos, 0, startNanos, probes, tasks, clock, random, events);
    }

    /**
     * @param maxLeadNanos how far ahead of its plan a probe may start, at most (0: on its plan's tick)
     */
    public HeartbeatCore(long tickNanos, long stallThresholdNanos, long maxLeadNanos, long startNanos,
            Executor probes, Executor tasks, LongSupplier clock, LongUnaryOperator random, HeartbeatEvents events) {
        this.wheel = new TimerWheel<>(tickNanos, 512, startNanos);
        this.dueWheel = new TimerWheel<>(tickNanos, 512, startNanos);
        this.maxLeadNanos = maxLeadNanos;
        this.dueHorizonNanos = startNanos;
        this.stallThresholdNanos = stallThresholdNanos;
        this.probes = probes;
        this.tasks = tasks;
        this.clock = clock;
        this.random = random;
        this.events = events;
        this.plannedWakeNanos = startNanos;
    }

    /** Something the wheel fires. */
    private sealed interface Timer permits Due, Deadline, Periodic {
    }

    /** A task run every {@code periodNanos} on the probe executor, never twice at once. */
    public static final class Periodic implements Timer {
        private final Runnable task;
        private final long periodNanos;
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile boolean cancelled;

        Periodic(Runnable task, long periodNanos) {
            this.task = task;
            this.periodNanos = periodNanos;
        }

        public void cancel() {
            cancelled = true;
        }
    }

    /**
     * A connection's next probe. {@code aliveBasis} is what the connection's last sign of life was when it was
     * scheduled; a sign of life since (an answer to the application) moves the probe to one interval after it.
     * {@code forced} (a sweep) probes whatever happened since.
     */
    private record Due(Probeable p, long aliveBasis, boolean forced) implements Timer {
    }

    /**
     * A probe's deadline. It counts from the moment the probe starts on its thread ({@link ProbeTask#startedNanos}),
     * not from when it was handed to the executor: a probe that waits in its host's lane has not timed out.
     */
    private record Deadline(Probeable p, long token, ProbeTask task, boolean extended) implements Timer {
    }

    /** One probe as its lane runs it: the lane is the connection's host, the start time is read on the probe thread. */
    final class ProbeTask implements ProbeLanes.LanedTask {
        static final long NOT_STARTED = Long.MIN_VALUE;
        private final Probeable p;
        private final long token;
        private final boolean planned;
        private volatile long startedNanos = NOT_STARTED;
        /** Its deadline in the wheel (ticker-owned): cancelled when the result is in. */
        private TimerWheel.Entry<Timer> deadline;

        ProbeTask(Probeable p, long token, boolean planned) {
            this.p = p;
            this.token = token;
            this.planned = planned;
        }

        @Override
        public String lane() {
            return p.hostKey();
        }

        /**
         * A planned probe (started by the ticker, up to a lead early) may wait for a probe thread already running; a
         * sweep's may not.
         */
        @Override
        public boolean batchable() {
            return planned;
        }

        /** Marks the start: the deadline runs from here. */
        void begin() {
            startedNanos = clock.getAsLong();
        }

        long startedNanos() {
            return startedNanos;
        }

        @Override
        public void run() {
            begin();
            runProbe(this, startedNanos);
        }
    }

    /**
     * Adds a connection. Its first probe is spread over the second half of one interval from {@code nowNanos}, and
     * comes no sooner than {@link #FIRST_PROBE_MIN_NANOS}: the pool is still setting a new connection up (auto-commit,
     * isolation, init SQL) on its own thread right after it was opened. Any thread.
     */
    public void register(Probeable p, long nowNanos) {
        registered.add(p);
        long half = p.intervalNanos() / 2;
        long first = Math.max(FIRST_PROBE_MIN_NANOS, half + random.applyAsLong(half + 1));
        commands.add(() -> {
            shortest(p.intervalNanos());
            scheduleDue(p, nowNanos + first);
        });
    }

    /**
     * Runs {@code task} on the probe executor every {@code periodNanos} from {@code nowNanos}, or up to one lead
     * sooner, never later. Any thread.
     */
    public Periodic every(long periodNanos, Runnable task, long nowNanos) {
        Periodic p = new Periodic(task, periodNanos);
        commands.add(() -> {
            shortest(periodNanos);
            dueWheel.schedule(p, nowNanos + periodNanos);
        });
        return p;
    }

    /** A new interval or period: the lead stays a twentieth of the shortest (ticker-owned). */
    private void shortest(long nanos) {
        if (nanos < shortestIntervalNanos) {
            shortestIntervalNanos = nanos;
            leadNanos = Math.min(maxLeadNanos, shortestIntervalNanos / 20);
        }
    }

    public void deregister(Probeable p) {
        registered.remove(p);
        commands.add(() -> dueWheel.cancel(dues.remove(p)));
    }

    /** How many connections are registered (tests check that retired ones are dropped). */
    public int registered() {
        return registered.size();
    }

    /** Probes every idle connection to {@code hostKey} now (except {@code except}). Any thread. */
    public void sweep(String hostKey, Probeable except) {
        commands.add(() -> {
            long now = plannedWakeNanos;
            for (Probeable p : registered) {
                if (p != except && p.hostKey().equals(hostKey) && !p.retired()) {
                    scheduleDue(p, now, true);
                }
            }
        });
    }

    /**
     * Probes every idle connection to {@code hostKey} now (except {@code except}), claiming each one on the calling
     * thread before this returns, so that a borrower who comes next finds them being probed instead of drawing one
     * unchecked. For evidence found off the ticker (a request aborted in a dead path, a connection the server
     * closed, a connection error). Their deadlines reach the wheel through the command queue; they count from each
     * probe's start anyway. Any thread.
     */
    public void sweepNow(String hostKey, Probeable except) {
        for (Probeable p : registered) {
            if (p == except || !p.hostKey().equals(hostKey) || p.retired()) {
                continue;
            }
            long token = p.tryStartProbe();
            if (token < 0) {
                continue; // leased, or already being probed
            }
            long now = clock.getAsLong();
            ProbeTask task = new ProbeTask(p, token, false);
            commands.add(() -> task.deadline = wheel.schedule(new Deadline(p, token, task, false),
                    now + p.probeTimeoutNanos()));
            try {
                probes.execute(task);
            } catch (RejectedExecutionException e) {
                p.probeFailed(token, e, now, now);
            }
        }
    }

    /**
     * One wakeup of the ticker.
     *
     * @return when the ticker should wake next: the tick boundary at which the earliest entry falls due, else
     *         {@link Long#MAX_VALUE}. Commands queued meanwhile are not in it: the caller wakes for them
     *         ({@link #hasCommands()})
     */
    public long tick(long nowNanos) {
        long lag = nowNanos - plannedWakeNanos;
        if (lag > stallThresholdNanos) {
            lastStallNanos = nowNanos;
            stalledEver = true;
            tellStalled(lag);
        }
        plannedWakeNanos = nowNanos;
        for (Runnable c = commands.poll(); c != null; c = commands.poll()) {
            c.run();
        }
        wheel.advance(nowNanos, t -> fire(t, nowNanos));
        dueHorizonNanos = nowNanos + leadNanos;
        dueWheel.advance(dueHorizonNanos, t -> fire(t, nowNanos));
        if (wheel.size() == 0 && dueWheel.size() == 0 && !sweepQueued) {
            plannedWakeNanos = Long.MAX_VALUE;
            return Long.MAX_VALUE;
        }
        // Sleep until something is due, not to the next tick: a pool's watchdog task or connections due in seconds
        // would otherwise wake the ticker every tick for nothing. Probes wake it at their plan, not a lead before,
        // so that one wakeup starts all that fall due within the lead. Commands from other threads wake it early
        // (wokenByCommand), and this plan is what the next wakeup's lag is measured against.
        // Commands queued meanwhile (probe results, mostly) are the scheduler's to weigh: it wakes within a tick for
        // a sweep, within a lead for a result.
        long wake = wheel.size() == 0 ? Long.MAX_VALUE : wheel.nextDueNanos();
        if (dueWheel.size() > 0) {
            long due = dueWheel.nextDueNanos();
            wake = wake == Long.MAX_VALUE || due - wake < 0 ? due : wake;
        }
        if (sweepQueued) {
            sweepQueued = false;
            wake = wheel.nextTickNanos();
        }
        // Long.MAX_VALUE means "no plan": a boundary that lands on it exactly is taken one nanosecond later.
        plannedWakeNanos = wake == Long.MAX_VALUE ? Long.MIN_VALUE : wake;
        return plannedWakeNanos;
    }

    /** Whether a command is waiting (the ticker must not sleep past it). */
    public boolean hasCommands() {
        return !commands.isEmpty();
    }

    /** Marks that the ticker will wake on a command, not a plan: no lag is measured for that wakeup. */
    public void wokenByCommand(long nowNanos) {
        if (plannedWakeNanos == Long.MAX_VALUE || nowNanos - plannedWakeNanos < 0) {
            plannedWakeNanos = nowNanos;
        }
    }

    /** Probes not run because the connection had answered the application since they were planned. */
    public long skippedProbes() {
        return skipped;
    }

    /** Buckets of the deadline wheel visited so far: bounded by elapsed time / tick, whatever the connections. */
    public long ticks() {
        return wheel.ticks();
    }

    public int scheduled() {
        return wheel.size() + dueWheel.size();
    }

    /** How far ahead of its plan a probe may start now: the ticker waits that long for results it need not hurry. */
    public long leadNanos() {
        return leadNanos;
    }

    private void scheduleDue(Probeable p, long at) {
        scheduleDue(p, at, false);
    }

    private void scheduleDue(Probeable p, long at, boolean forced) {
        if (!registered.contains(p)) {
            return;
        }
        Due due = new Due(p, p.lastAliveNanos(), forced);
        if (leadNanos > 0 && at - dueHorizonNanos <= 0) {
            // Within the lead already (a sweep, or a look again soon): start it now, not one lead late. Only the
            // ticker gets here, inside a tick, where plannedWakeNanos is the tick's time.
            dueWheel.cancel(dues.remove(p));
            startProbe(due, plannedWakeNanos);
            return;
        }
        dueWheel.cancel(dues.put(p, dueWheel.schedule(due, at)));
    }

    private long nextDue(long from, long interval) {
        return from + interval - random.applyAsLong(interval / 10 + 1);
    }

    private void fire(Timer t, long now) {
        if (t instanceof Due due) {
            startProbe(due, now);
        } else if (t instanceof Deadline d) {
            deadline(d, now);
        } else if (t instanceof Periodic p && !p.cancelled) {
            if (p.running.compareAndSet(false, true)) {
                try {
                    tasks.execute(() -> {
                        try {
                            p.task.run();
                        } finally {
                            p.running.set(false);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    p.running.set(false);
                }
            }
            dueWheel.schedule(p, now + p.periodNanos);
        }
    }

    private void startProbe(Due due, long now) {
        Probeable p = due.p();
        dues.remove(p);
        if (p.retired() || !registered.contains(p)) {
            registered.remove(p);
            return;
        }
        long interval = p.intervalNanos();
        long alive = p.lastAliveNanos();
        if (!due.forced() && alive - due.aliveBasis() > 0 && now - alive < interval) {
            // It answered the application since this probe was planned: that round trip proved it alive.
            skipped++;
            scheduleDue(p, Math.max(now + wheel.tickNanos(), nextDue(alive, interval)));
            return;
        }
        long token = p.tryStartProbe();
        if (token < 0) {
            // Leased or already being probed: look again soon, it may be idle then (a sweep stays a sweep).
            scheduleDue(p, now + Math.max(wheel.tickNanos(), interval / 4), due.forced());
            return;
        }
        ProbeTask task = new ProbeTask(p, token, !due.forced());
        task.deadline = wheel.schedule(new Deadline(p, token, task, false), now + p.probeTimeoutNanos());
        try {
            probes.execute(task);
        } catch (RejectedExecutionException e) {
            // Shutting down: the probe never runs; end it so nothing waits for it.
            p.probeFailed(token, e, now, now);
        }
    }

    private void runProbe(ProbeTask task, long start) {
        Probeable p = task.p;
        long token = task.token;
        boolean ok;
        Throwable cause = null;
        try {
            ok = p.probe(token);
        } catch (Throwable e) {
            ok = false;
            cause = e;
        }
        long end = clock.getAsLong();
        if (!p.probing(token)) {
            // A borrower took it back before the probe started, or the deadline or the pool ended it: look again
            // (a dead or closed one is dropped then).
            commands.add(() -> {
                wheel.cancel(task.deadline);
                scheduleDue(p, end + Math.max(wheel.tickNanos(), p.intervalNanos() / 4));
            });
            return;
        }
        if (ok) {
            p.probePassed(token, start, end);
            commands.add(() -> {
                wheel.cancel(task.deadline);
                scheduleDue(p, nextDue(end, p.intervalNanos()));
            });
        } else {
            p.probeFailed(token, cause, start, end);
        }
    }

    private void deadline(Deadline d, long now) {
        Probeable p = d.p();
        if (!p.probing(d.token())) {
            return;
        }
        long started = d.task().startedNanos();
        if (started == ProbeTask.NOT_STARTED) {
            // Still waiting in its host's lane behind other probes of that host: not this connection's fault yet.
            d.task().deadline = wheel.schedule(d, now + Math.max(wheel.tickNanos(), p.probeTimeoutNanos() / 4));
            return;
        }
        if (now - (started + p.probeTimeoutNanos()) < 0) {
            d.task().deadline = wheel.schedule(d, started + p.probeTimeoutNanos());
            return;
        }
        // Forgive a deadline that passed while the ticker stood still: it fires in the tick that detected the stall
        // (or the next two), for a probe that started before the stall ended. A stall long over is no excuse.
        if (!d.extended() && stalledEver && now - lastStallNanos <= 2 * wheel.tickNanos()
                && started - lastStallNanos < 0) {
            tellReprobed(p);
            d.task().deadline = wheel.schedule(new Deadline(p, d.token(), d.task(), true),
                    now + p.probeTimeoutNanos());
            return;
        }
        p.probeTimedOut(d.token(), started, now);
        sweep(p.hostKey(), p);
        sweepQueued = true; // the next tick runs it: a plan, so the scheduler does not wait a lead for it
    }

    // The events are told from inside the tick: a listener that throws (anything) must not cost the tick its
    // commands and deadlines, nor a stalled probe its second chance.

    private void tellStalled(long lag) {
        try {
            events.stalled(lag);
        } catch (Throwable e) {
            LOG.warn("a heartbeat listener threw on a stall; ignored", e);
        }
    }

    private void tellReprobed(Probeable p) {
        try {
            events.reprobedAfterStall(p);
        } catch (Throwable e) {
            LOG.warn("a heartbeat listener threw on a re-probe; ignored", e);
        }
    }
}
