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
 * <p>Handing every probe to a thread of its own costs a thread wakeup per probe, which is most of what a probe of an
 * answering connection costs. So a task is queued for the threads already running as long as one of them is
 * <em>fresh</em>: between tasks, or in a task that started less than {@code stuckNanos} ago. Only when none is does
 * a submit wake a parked thread or start one. A thread that turns stuck after the tasks behind it were queued is
 * found by {@link #nudge()}, which the ticker calls every tick while anything is queued: it then brings up to
 * {@code perLane} threads at once, so a sweep of a dead host is under way one tick later. Idle threads end after
 * 10 s.
 */
final class ProbeLanes implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeLanes.class);
    private static final long IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int ACTIVE = 0;
    private static final int PARKED = 1;
    private static final int GONE = 2;

    /** A task that names its lane; anything else runs in the {@code ""} lane. */
    interface LanedTask extends Runnable {
        String lane();
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
    private volatile Runnable queuedBehindBusy = () -> { };
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

    /**
     * Called when a submit queued its task for the running threads instead of waking one: the ticker must come
     * round within a tick to {@link #nudge()}, in case the thread it counted on turns out to be stuck.
     */
    void onQueuedBehindBusy(Runnable callback) {
        queuedBehindBusy = callback;
    }

    @Override
    public void execute(Runnable task) {
        if (shutdown) {
            throw new RejectedExecutionException("probe threads are shut down");
        }
        enqueue(task);
        if (hasFreshWorker()) {
            queuedBehindBusy.run();
        } else {
            wakeOrStart();
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
            wakeOrStart();
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

    /** Drops queued probes and interrupts running ones: only once every pool is closed. */
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

    private void wakeOrStart() {
        for (Worker w = parked.poll(); w != null; w = parked.poll()) {
            if (w.state.compareAndSet(PARKED, ACTIVE)) {
                LockSupport.unpark(w.thread);
                return;
            }
        }
        if (shutdown) {
            return;
        }
        Worker w = new Worker();
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

        Worker() {
            thread = new Thread(this, threadPrefix + threadNumber.incrementAndGet());
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!shutdown) {
                    Runnable task = queue.poll();
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
            if (!queue.isEmpty() || shutdown) {
                // A task arrived after the poll: take it, unless a submit claimed this thread for it already.
                if (state.compareAndSet(PARKED, ACTIVE)) {
                    parked.remove(this);
                }
                return !shutdown;
            }
            long deadline = System.nanoTime() + IDLE_NANOS;
            while (state.get() == PARKED && !shutdown) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return !state.compareAndSet(PARKED, GONE);
                }
                LockSupport.parkNanos(this, left);
            }
            return !shutdown;
        }
    }
}
