package io.github.jdbcliveness.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One lane per host: a host whose probes all hang never delays another host's probes. */
class ProbeLanesTest {

    @Test
    void aHostWithEveryThreadOfItsLaneHung_doesNotDelayAnotherHost_andQueuesItsOwnRest() throws Exception {
        ProbeLanes lanes = new ProbeLanes(4, "lanes-test-");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch deadStarted = new CountDownLatch(4);
        try {
            for (int i = 0; i < 10; i++) {
                lanes.execute(HeartbeatScheduler.probeTask("dead:5432", () -> {
                    deadStarted.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            assertTrue(deadStarted.await(10, TimeUnit.SECONDS));
            assertEquals(6, lanes.queued(), "the dead host's lane holds 4 running, 6 queued");

            CountDownLatch healthy = new CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                lanes.execute(HeartbeatScheduler.probeTask("healthy:5432", healthy::countDown));
            }
            assertTrue(healthy.await(10, TimeUnit.SECONDS), "the healthy host's probes waited behind the dead one's");
        } finally {
            release.countDown();
            lanes.shutdownNow();
            assertTrue(lanes.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
