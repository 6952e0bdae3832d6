package io.github.jdbcliveness.heartbeat;

import java.util.Deque;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probe threads, one lane per host, that run a burst of quick probes on one thread.
 *
 * <p>A probe of a dead connection holds its thread until the probe timeout, and when a path dies every connection
 * behind it is probed at once (a host sweep, in every pool). Each host may use at most {@code perLane} threads; its
 * further probes are held in its own lane, so another host's probes never wait behind them: one dead host cannot
 * make a healthy host's probes late, and a probe's deadline runs from its start, not from its place in the queue.
 *
 * <p>{@link #execute} hands its task to a thread of its own at once (a parked one, or a new one): a borrower's
 * validation or a sweep never waits behind another task. Handing every heartbeat probe to a thread of its own,
 * though, costs a thread wakeup per probe, which is most of what a probe of an answering connection costs. So
 * {@link #executeBatched}, for the ticker's planned probes, queues its task for the threads already running as long
 * as one of them is <em>fresh</em>: between tasks, or in a task that started less than {@code stuckNanos} ago. Only
 * when none is does it wake a parked thread or start one. A thread that turns stuck after the tasks behind it were
 * queued is found by {@link #nudge()}, which the ticker calls at each wakeup while anything is queued: it then
 * brings up to {@code perLane} threads at once. Idle threads end after 10 s.
 */
final class ProbeLanes implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeLanes.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int ACTIVE = 0;
    private static final int PARKED = 1;
    private static final int GONE = 2;
    /** A submit took this parked thread and is handing it its task. */
    private static final int CLAIMED = 3;

    /** A task that names its lane; anything else runs in the {@code ""} lane. */
    interface LanedTask extends Runnable {
        String lane();

        /** Whether it may wait for a thread already running ({@link #executeBatched}): a planned probe. */
        default boolean batchable() {
            return false;
        }
    }

    private final int perLane;
    private final long stuckNanos;
    private final LongSupplier clock;
    private final String threadPrefix;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedCount = new AtomicInteger();
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
    private final Deque<Worker> parked = new ConcurrentLinkedDeque<>();
    private volatile boolean shutdown;

    ProbeLanes(int perLane, String threadPrefix) {
        this(perLane, HeartbeatScheduler.TICK_NANOS, System::nanoTime, threadPrefix);
    }

    /**
     * @param perLane     threads one host may hold at once
     * @param stuckNanos  a task running this long no longer counts as about to finish: tasks queued behind it get
     *                    another thread
     * @param clock       nanoTime, injectable for tests
     */
    ProbeLanes(int perLane, long stuckNanos, LongSupplier clock, String threadPrefix) {
        this.perLane = perLane;
        this.stuckNanos = stuckNanos;
        this.clock = clock;
        this.threadPrefix = threadPrefix;
    }

    /** Runs {@code task} on a thread of its own, now (within its lane's limit). */
    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("probe threads are shut down");
        }
        wakeOrStart(task);
    }

    /**
     * Runs {@code task} on a thread already running if one is fresh, else on one woken or started for it. For the
     * ticker's planned probes, which may wait a little (they start up to one lead early): the ticker calls
     * {@link #nudge()} at its next wakeup.
     */
    void executeBatched(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("probe threads are shut down");
        }
        enqueue(task);
        if (!hasFreshWorker()) {
            wakeOrStart(null);
        }
    }

    /**
     * For the ticker, every tick while {@link #queued()} is above zero: when every running thread is stuck in a
     * task, wakes or starts threads for the queued tasks (at most {@code perLane} per call).
     */
    void nudge() {
        int waiting = queuedCount.get();
        if (waiting == 0 || shutdown || hasFreshWorker()) {
            return;
        }
        for (int i = Math.min(waiting, perLane); i > 0; i--) {
            wakeOrStart(null);
        }
    }

    /** Whether tasks wait for a thread (the ticker keeps ticking while they do, to {@link #nudge()}). */
    boolean waiting() {
        return queuedCount.get() > 0;
    }

    /** Tasks not yet started: queued for a thread, or held back by their lane's limit (for tests and the ticker). */
    int queued() {
        return queuedCount.get() + lanes.values().stream().mapToInt(l -> l.held.size()).sum();
    }

    /** Threads alive now (for tests). */
    int threads() {
        return workers.size();
    }

    /**
     * Drops queued probes and interrupts running ones: only once every pool is closed. A probe stuck in socket I/O
     * is not ended by the interrupt (a platform thread's socket I/O ignores it) but by its own timeout, or by the
     * abort that closes its connection.
     */
    void shutdownNow() {
        shutdown = true;
        queue.clear();
        queuedCount.set(0);
        lanes.values().forEach(l -> l.held.clear());
        workers.forEach(w -> w.thread.interrupt());
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Worker w : workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return workers.isEmpty();
            }
            TimeUnit.NANOSECONDS.timedJoin(w.thread, left);
        }
        return workers.isEmpty();
    }

    private void enqueue(Runnable task) {
        queuedCount.incrementAndGet();
        queue.add(task);
    }

    private boolean hasFreshWorker() {
        long now = clock.getAsLong();
        for (Worker w : workers) {
            if (w.state.get() == ACTIVE) {
                long since = w.busySince;
                if (since == Worker.BETWEEN_TASKS || now - since < stuckNanos) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A parked thread, or a new one, that runs {@code task} first (null: that takes from the queue). */
    private void wakeOrStart(Runnable task) {
        for (Worker w = parked.poll(); w != null; w = parked.poll()) {
            if (w.state.compareAndSet(PARKED, CLAIMED)) {
                w.handoff = task;
                w.state.set(ACTIVE);
                LockSupport.unpark(w.thread);
                return;
            }
        }
        if (shutdown) {
            return;
        }
        Worker w = new Worker(task);
        workers.add(w);
        w.thread.start();
    }

    private Lane laneOf(Runnable task) {
        String lane = task instanceof LanedTask l ? l.lane() : "";
        return lanes.computeIfAbsent(lane, k -> new Lane());
    }

    private static final class Lane {
        final AtomicInteger running = new AtomicInteger();
        /** Tasks that found the lane full; one goes back to the queue each time a task of the lane ends. */
        final Queue<Runnable> held = new ConcurrentLinkedQueue<>();

        boolean tryEnter(int limit) {
            for (int n = running.get(); n < limit; n = running.get()) {
                if (running.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final class Worker implements Runnable {
        static final long BETWEEN_TASKS = Long.MIN_VALUE;
        final Thread thread;
        final AtomicInteger state = new AtomicInteger(ACTIVE);
        /** When the task it runs started, or {@link #BETWEEN_TASKS}. */
        volatile long busySince = BETWEEN_TASKS;
        /** The task a submit handed this thread, run before anything queued. */
        volatile Runnable handoff;

        Worker(Runnable first) {
            handoff = first;
            thread = new Thread(this, threadPrefix + threadNumber.incrementAndGet());
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!shutdown) {
                    Runnable task = handoff;
                    if (task != null) {
                        handoff = null;
                        runInLane(task);
                        continue;
                    }
                    task = queue.poll();
                    if (task == null) {
                        if (!parkUntilClaimed()) {
                            return;
                        }
                        continue;
                    }
                    queuedCount.decrementAndGet();
                    runInLane(task);
                }
            } finally {
                state.set(GONE);
                parked.remove(this);
                workers.remove(this);
            }
        }

        private void runInLane(Runnable task) {
            Lane lane = laneOf(task);
            if (!lane.tryEnter(perLane)) {
                lane.held.add(task);
                if (!lane.tryEnter(perLane)) {
                    return; // the lane's running task that ends next puts one held task back
                }
                task = lane.held.poll();
                if (task == null) {
                    lane.running.decrementAndGet();
                    return;
                }
            }
            long start = clock.getAsLong();
            busySince = start == BETWEEN_TASKS ? start + 1 : start;
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("probe task failed; its thread goes on", e);
            } finally {
                busySince = BETWEEN_TASKS;
                lane.running.decrementAndGet();
                if (!shutdown) {
                    Thread.interrupted(); // an interrupt meant for that task must not reach the next one
                }
            }
            Runnable next = lane.held.poll();
            if (next != null && !shutdown) {
                enqueue(next);
            }
        }

        /** Parks until a submit claims this thread (true) or it has been idle for 10 s (false: it ends). */
        private boolean parkUntilClaimed() {
            state.set(PARKED);
            parked.push(this);
            if ((!queue.isEmpty() || shutdown) && state.compareAndSet(PARKED, ACTIVE)) {
                // A task arrived after the poll: take it (unless a submit claimed this thread meanwhile).
                parked.remove(this);
                return !shutdown;
            }
            long deadline = System.nanoTime() + IDLE_NANOS;
            while (!shutdown) {
                int s = state.get();
                if (s == ACTIVE) {
                    return true;
                }
                if (s == CLAIMED) {
                    Thread.onSpinWait(); // the submit is between its claim and its hand-off
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    if (state.compareAndSet(PARKED, GONE)) {
                        return false;
                    }
                    continue;
                }
                LockSupport.parkNanos(this, left);
            }
            return false;
        }
    }
}
