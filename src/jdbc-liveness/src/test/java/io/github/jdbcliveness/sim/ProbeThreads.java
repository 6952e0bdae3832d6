package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;

/**
 * The heartbeat's probe threads ({@code ProbeLanes}) and its maintenance threads, on simulated time: a task starts
 * on a thread of its own up to {@link #START_NANOS} later (a thread wakeup, a batched probe waiting for the thread
 * already running). A pool this small never fills a host's lane of 256 threads, so no probe waits in its lane.
 */
final class ProbeThreads {

    static final long START_NANOS = 2_000_000L;

    private final EventLoop loop;
    private final SplittableRandom rng;
    private SimConnection nextFor;
    private long nextToken;

    /** Where {@code HeartbeatCore} starts its probes. */
    final Executor probes;
    /** Where {@code HeartbeatCore} runs its periodic tasks, and the evictor hands HikariCP its end-of-life task. */
    final Executor maintenance;

    ProbeThreads(EventLoop loop, SplittableRandom rng) {
        this.loop = loop;
        this.rng = rng;
        this.probes = this::startProbe;
        this.maintenance = task -> loop.after(rng.nextLong(START_NANOS), Side.CLIENT, "maintenance", task);
    }

    /** The connection that just handed out a probe token: the heartbeat submits that probe next. */
    void nextTaskIsFor(SimConnection c, long token) {
        nextFor = c;
        nextToken = token;
    }

    private void startProbe(Runnable task) {
        SimConnection c = nextFor;
        long token = nextToken;
        nextFor = null;
        if (c == null) {
            throw new IllegalStateException("a probe task with no connection that handed out a token");
        }
        loop.after(rng.nextLong(START_NANOS), Side.CLIENT, "probe-thread c" + c.id, () -> c.probeThreadStarts(token,
                task));
    }
}
