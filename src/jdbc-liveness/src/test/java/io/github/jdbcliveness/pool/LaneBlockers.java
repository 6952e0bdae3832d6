package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Occupies every probe thread one host may hold, as probes of connections that hang do: the host's further probes
 * then wait in its lane. One thread is held by {@code first}, the others by {@code rest}, so a test can free exactly
 * one thread when it chooses.
 */
final class LaneBlockers {

    private LaneBlockers() {
    }

    static void fill(HeartbeatScheduler scheduler, String hostKey, CountDownLatch first, CountDownLatch rest)
            throws InterruptedException {
        int threads = HeartbeatScheduler.PROBE_THREADS_PER_HOST;
        CountDownLatch running = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            CountDownLatch hold = i == 0 ? first : rest;
            scheduler.probes().execute(HeartbeatScheduler.probeTask(hostKey, () -> {
                running.countDown();
                try {
                    hold.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        if (!running.await(StubServer.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("probe threads running: " + (threads - running.getCount()) + " of " + threads);
        }
    }
}
