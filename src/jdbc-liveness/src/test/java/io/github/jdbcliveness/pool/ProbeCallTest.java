package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A round trip for a waiting caller: its timeout runs from its start, and a call given up before it starts never runs. */
class ProbeCallTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void queuedPastTheStartDeadline_isCancelled_andNeverTouchesTheConnection() {
        AtomicBoolean ran = new AtomicBoolean();
        ProbeCall call = new ProbeCall(() -> ran.getAndSet(true));

        assertEquals(ProbeCall.Outcome.NOT_STARTED, call.await(SECOND, System.nanoTime()));
        call.run(); // the lane gets to it late

        assertFalse(ran.get(), "a cancelled round trip ran on a connection given back to the pool");
    }

    @Test
    void callerInterruptedWhileQueued_cancelsIt_andKeepsTheInterrupt() {
        AtomicBoolean ran = new AtomicBoolean();
        ProbeCall call = new ProbeCall(() -> ran.getAndSet(true));
        Thread.currentThread().interrupt();

        assertEquals(ProbeCall.Outcome.INTERRUPTED, call.await(SECOND, System.nanoTime() + 10 * SECOND));
        assertTrue(Thread.interrupted());
        call.run();
        assertFalse(ran.get());
    }

    @Test
    void timeout_countsFromTheStart_notFromTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ProbeCall call = new ProbeCall(() -> release.await(10, TimeUnit.SECONDS));
        Thread lane = new Thread(call);
        lane.start();
        long timeout = TimeUnit.MILLISECONDS.toNanos(200);

        assertEquals(ProbeCall.Outcome.TIMED_OUT, call.await(timeout, System.nanoTime() + 10 * SECOND));
        assertTrue(System.nanoTime() - call.startedNanos() >= timeout);
        release.countDown();
        lane.join();
    }

    @Test
    void failure_reportsTheDriversError() {
        SQLException boom = new SQLException("gone", "08006");
        ProbeCall call = new ProbeCall(() -> {
            throw boom;
        });
        call.run();
        assertEquals(ProbeCall.Outcome.FAILED, call.await(SECOND, System.nanoTime()));
        assertSame(boom, call.cause());
    }
}
