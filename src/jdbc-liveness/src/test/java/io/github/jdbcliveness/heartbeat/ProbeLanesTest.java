package io.github.jdbcliveness.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One lane per host, a burst of planned probes on one thread: a host whose probes all hang never delays another
 * host's probes, a task handed over never waits behind another, and a thread stuck in a batched probe gets help at
 * the next nudge. Time is a clock of the test's own.
 */
class ProbeLanesTest {

    private static final long STUCK = TimeUnit.MILLISECONDS.toNanos(10);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CountDownLatch release = new CountDownLatch(1);
    private ProbeLanes lanes;

    @AfterEach
    void shutDown() throws Exception {
        release.countDown();
        if (lanes != null) {
            lanes.shutdownNow();
            assertTrue(lanes.awaitTermination(10, TimeUnit.SECONDS), "the probe threads ended");
            assertEquals(0, lanes.threads());
        }
    }

    @Test
    void aHostWithEveryThreadOfItsLaneHung_doesNotDelayAnotherHost_andHoldsItsOwnRest() throws Exception {
        lanes = new ProbeLanes(4, STUCK, now::get, "lanes-test-");
        CountDownLatch deadStarted = new CountDownLatch(4);
        CountDownLatch deadEnded = new CountDownLatch(10);
        AtomicInteger deadRunning = new AtomicInteger();
        AtomicInteger deadMostAtOnce = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            lanes.execute(HeartbeatScheduler.probeTask("dead:5432", () -> {
                deadMostAtOnce.accumulateAndGet(deadRunning.incrementAndGet(), Math::max);
                deadStarted.countDown();
                hang();
                deadRunning.decrementAndGet();
                deadEnded.countDown();
            }));
        }
        assertTrue(deadStarted.await(10, TimeUnit.SECONDS), "each probe got a thread at once, up to the lane's 4");

        CountDownLatch healthy = new CountDownLatch(20);
        for (int i = 0; i < 20; i++) {
            lanes.execute(HeartbeatScheduler.probeTask("healthy:5432", healthy::countDown));
        }
        assertTrue(healthy.await(10, TimeUnit.SECONDS), "the healthy host's probes waited behind the dead one's");

        release.countDown();
        assertTrue(deadEnded.await(10, TimeUnit.SECONDS), "the held probes ran once their lane had room");
        assertEquals(4, deadMostAtOnce.get(), "the dead host never held more than its lane's 4 threads");
        assertEquals(0, lanes.queued());
    }

    @Test
    void aTaskHandedOver_neverWaitsBehindABatchedOneThatHangs() throws Exception {
        lanes = new ProbeLanes(256, STUCK, now::get, "lanes-test-");
        CountDownLatch hungStarted = new CountDownLatch(1);
        lanes.executeBatched(HeartbeatScheduler.probeTask("dead:5432", () -> {
            hungStarted.countDown();
            hang();
        }));
        assertTrue(hungStarted.await(10, TimeUnit.SECONDS));
        // The hung thread is still fresh (its probe started less than STUCK ago): a batched task would wait for it.
        CountDownLatch validation = new CountDownLatch(1);
        lanes.execute(HeartbeatScheduler.probeTask("healthy:5432", validation::countDown));
        assertTrue(validation.await(10, TimeUnit.SECONDS), "a borrower's validation waited behind a hung probe");
    }

    @Test
    void aBurstOfQuickProbes_runsOnOneThread() throws Exception {
        lanes = new ProbeLanes(256, TimeUnit.SECONDS.toNanos(10), System::nanoTime, "lanes-test-");
        Set<Thread> used = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(500);
        for (int i = 0; i < 500; i++) {
            lanes.executeBatched(HeartbeatScheduler.probeTask("host-" + (i % 50), () -> {
                used.add(Thread.currentThread());
                done.countDown();
            }));
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        // One thread, or two when a submit saw the first one park just before it pushed itself onto the idle list.
        assertTrue(used.size() <= 2, "500 quick probes of 50 hosts took " + used.size() + " threads");
    }

    @Test
    void aBatchedProbeQueuedBehindAThreadThatThenHangs_runsAtTheNextNudge() throws Exception {
        lanes = new ProbeLanes(256, STUCK, now::get, "lanes-test-");
        CountDownLatch hungStarted = new CountDownLatch(1);
        lanes.executeBatched(HeartbeatScheduler.probeTask("a:5432", () -> {
            hungStarted.countDown();
            hang();
        }));
        assertTrue(hungStarted.await(10, TimeUnit.SECONDS));
        CountDownLatch quick = new CountDownLatch(1);
        lanes.executeBatched(HeartbeatScheduler.probeTask("b:5432", quick::countDown));
        assertTrue(lanes.waiting(), "queued behind the thread, which was fresh");

        lanes.nudge();
        assertEquals(1, lanes.threads(), "a thread still within its grace is not given help");
        now.addAndGet(STUCK);
        lanes.nudge();
        assertTrue(quick.await(10, TimeUnit.SECONDS), "the nudge found the thread stuck and brought another");
    }

    @Test
    void afterShutdown_submitsAreRefused_andHungProbesAreInterrupted() throws Exception {
        lanes = new ProbeLanes(4, STUCK, now::get, "lanes-test-");
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        lanes.execute(HeartbeatScheduler.probeTask("a:5432", () -> {
            started.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        lanes.shutdownNow();
        assertTrue(interrupted.await(10, TimeUnit.SECONDS));
        assertTrue(lanes.awaitTermination(10, TimeUnit.SECONDS));
        assertThrows(RejectedExecutionException.class, () -> lanes.execute(() -> { }));
    }

    private void hang() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
