package io.github.jdbcliveness.heartbeat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The real ticker thread: only what fake time cannot show, waited for on a latch with a deadline. */
class HeartbeatSchedulerTest {

    /** Always answers at once; counts passes. */
    private static final class QuickProbeable implements Probeable {
        private final long intervalNanos;
        private final long timeoutNanos;
        private final AtomicLong token = new AtomicLong();
        private final CountDownLatch passes;
        private volatile long open = -1;
        private volatile long lastAlive = System.nanoTime();

        QuickProbeable(long intervalNanos, long timeoutNanos, CountDownLatch passes) {
            this.intervalNanos = intervalNanos;
            this.timeoutNanos = timeoutNanos;
            this.passes = passes;
        }

        @Override
        public String hostKey() {
            return "quick";
        }

        @Override
        public long intervalNanos() {
            return intervalNanos;
        }

        @Override
        public long probeTimeoutNanos() {
            return timeoutNanos;
        }

        @Override
        public long lastAliveNanos() {
            return lastAlive;
        }

        @Override
        public synchronized long tryStartProbe() {
            if (open >= 0) {
                return -1;
            }
            open = token.incrementAndGet();
            return open;
        }

        @Override
        public boolean probe(long t) {
            return true;
        }

        @Override
        public boolean probing(long t) {
            return open == t;
        }

        @Override
        public synchronized void probePassed(long t, long startNanos, long endNanos) {
            if (open == t) {
                open = -1;
                lastAlive = endNanos;
                passes.countDown();
            }
        }

        @Override
        public void probeFailed(long t, Throwable cause, long startNanos, long endNanos) {
        }

        @Override
        public void probeTimedOut(long t, long startNanos, long nowNanos) {
        }

        @Override
        public boolean retired() {
            return false;
        }
    }

    @Test
    void passedProbe_isRescheduledAtOnce_notWhenItsLongDeadlineWakesTheTicker() throws InterruptedException {
        // Interval 200 ms, probe timeout 20 s: the pass's reschedule is queued on a probe thread while the ticker
        // sleeps towards the deadline. Unless that wakes the ticker, the second probe waits 20 s.
        CountDownLatch threePasses = new CountDownLatch(3);
        QuickProbeable p = new QuickProbeable(TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.SECONDS.toNanos(20),
                threePasses);
        HeartbeatScheduler scheduler = HeartbeatScheduler.acquire();
        try {
            scheduler.register(p);
            assertTrue(threePasses.await(5, TimeUnit.SECONDS),
                    "three probes of a 200 ms interval did not pass within 5 s");
        } finally {
            scheduler.deregister(p);
            scheduler.release();
        }
    }
}
