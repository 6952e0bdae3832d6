package io.github.jdbcliveness.heartbeat;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probe threads, one lane per host. A probe of a dead connection holds its thread until the probe timeout, and
 * when a path dies every connection behind it is probed at once (a host sweep, in every pool). Each host may use at
 * most {@code perLane} threads; its further probes queue in its own lane. Threads come from an unbounded cached
 * pool, so another host's probes never wait behind them: one dead host cannot make a healthy host's probes late,
 * and a probe's deadline runs from its start, not from its place in the queue. Idle threads end after 10 s.
 */
final class ProbeLanes implements Executor {

    /** A task that names its lane; anything else runs in the {@code ""} lane. */
    interface LanedTask extends Runnable {
        String lane();
    }

    private final int perLane;
    private final ThreadPoolExecutor threads;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    ProbeLanes(int perLane, String threadPrefix) {
        this.perLane = perLane;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public void execute(Runnable task) {
        if (threads.isShutdown()) {
            throw new RejectedExecutionException("probe threads are shut down");
        }
        String lane = task instanceof LanedTask l ? l.lane() : "";
        lanes.computeIfAbsent(lane, k -> new Lane()).submit(task);
    }

    /** Tasks queued behind busy lanes, summed (for tests and stats). */
    int queued() {
        return lanes.values().stream().mapToInt(l -> l.queue.size()).sum();
    }

    /** Drops queued probes and interrupts running ones: only once every pool is closed. */
    void shutdownNow() {
        threads.shutdownNow();
        lanes.values().forEach(l -> l.queue.clear());
    }

    boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }

    private final class Lane {
        final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger running = new AtomicInteger();

        void submit(Runnable task) {
            queue.add(task);
            drain();
        }

        /** Starts queued tasks while the lane has room; called on submit and whenever a task of the lane ends. */
        private void drain() {
            while (!queue.isEmpty()) {
                int n = running.get();
                if (n >= perLane) {
                    return; // the task ending next drains again
                }
                if (!running.compareAndSet(n, n + 1)) {
                    continue;
                }
                Runnable next = queue.poll();
                if (next == null) {
                    running.decrementAndGet();
                    continue;
                }
                try {
                    threads.execute(() -> {
                        try {
                            next.run();
                        } finally {
                            running.decrementAndGet();
                            try {
                                drain();
                            } catch (RejectedExecutionException shutDown) {
                                queue.clear(); // the last pool closed: queued probes are of closed pools
                            }
                        }
                    });
                } catch (RejectedExecutionException e) {
                    running.decrementAndGet();
                    throw e;
                }
            }
        }
    }
}
