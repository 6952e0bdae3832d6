package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The wake protocol on its own: only waits in progress are interrupted, and no interrupt outlives the borrow. */
class BorrowWaitersTest {

    private static final Supplier<SQLException> DOWN = () -> new SQLTransientConnectionException("judged down");
    private static final Connection CONNECTION = (Connection) java.lang.reflect.Proxy.newProxyInstance(
            BorrowWaitersTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (p, m, a) -> null);

    /** A borrow that blocks as HikariCP's does: until a connection comes or the thread is interrupted. */
    private static BorrowWaiters.Borrow blocking(CountDownLatch entered) {
        return () -> {
            entered.countDown();
            try {
                new CountDownLatch(1).await(30, TimeUnit.SECONDS);
                return CONNECTION;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as HikariCP does before it throws
                throw new SQLException("Interrupted during connection acquisition", e);
            }
        };
    }

    @Test
    void waitersBeyondTheSlots_areWokenToo_andNoneIsLeftInterrupted() throws Exception {
        BorrowWaiters waiters = new BorrowWaiters();
        int n = 100; // more than the 64 slots: the rest take the overflow set
        CountDownLatch entered = new CountDownLatch(n);
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> outcomes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                outcomes.add(threads.submit(() -> {
                    try {
                        waiters.await(blocking(entered), () -> true, () -> false, DOWN);
                        return "handed a connection";
                    } catch (SQLException e) {
                        return e.getMessage() + (Thread.currentThread().isInterrupted() ? ", left interrupted" : "");
                    }
                }));
            }
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            assertEquals(n, waiters.size());
            waiters.wakeAll();
            for (Future<String> f : outcomes) {
                assertEquals("judged down", f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(0, waiters.size());
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void failFast_isAskedOnceRegistered() {
        BorrowWaiters waiters = new BorrowWaiters();
        AtomicBoolean borrowed = new AtomicBoolean();
        assertThrows(SQLTransientConnectionException.class, () -> waiters.await(() -> {
            borrowed.set(true);
            return CONNECTION;
        }, () -> true, () -> true, DOWN));
        assertTrue(!borrowed.get(), "a borrow that cannot succeed is not started");
    }

    /**
     * Borrows that return at once race wakes sent all the time: a borrow that got its connection keeps it, every
     * other one fails with the host-down exception, and no thread ever comes out interrupted.
     */
    @Test
    void wakesRacingBorrowsThatEndOnTheirOwn_neverLeaveAnInterruptBehind() throws Exception {
        BorrowWaiters waiters = new BorrowWaiters();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong leftInterrupted = new AtomicLong();
        AtomicLong handed = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            List<Future<?>> borrowers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                borrowers.add(threads.submit(() -> {
                    for (int i = 0; i < 200_000; i++) {
                        try {
                            assertSame(CONNECTION, waiters.await(() -> CONNECTION, () -> true, () -> false, DOWN));
                            handed.incrementAndGet();
                        } catch (SQLException e) {
                            throw new AssertionError("a borrow that got a connection keeps it", e);
                        }
                        if (Thread.interrupted()) {
                            leftInterrupted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Future<?> waker = threads.submit(() -> {
                while (!stop.get()) {
                    waiters.wakeAll();
                }
            });
            for (Future<?> f : borrowers) {
                f.get(1, TimeUnit.MINUTES);
            }
            stop.set(true);
            waker.get(10, TimeUnit.SECONDS);
            assertEquals(800_000, handed.get());
            assertEquals(0, leftInterrupted.get(), "borrows that came out interrupted");
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void whileTheHostIsDown_aBorrowerWithNothingIdleFailsAtOnce_unlessItsTrialFindsTheHostBack() throws Exception {
        BorrowWaiters waiters = new BorrowWaiters();
        AtomicLong borrows = new AtomicLong();
        BorrowWaiters.Borrow counting = () -> {
            borrows.incrementAndGet();
            return CONNECTION;
        };
        SQLException e = assertThrows(SQLTransientConnectionException.class,
                () -> waiters.await(counting, () -> true, () -> true, () -> false, DOWN));
        assertEquals("judged down", e.getMessage());
        assertEquals(0, borrows.get(), "the trial found nothing: HikariCP is not asked");
        assertSame(CONNECTION, waiters.await(counting, () -> true, () -> true, () -> true, DOWN),
                "the trial's handshake completed: the host is back, the borrow goes on to HikariCP");
        assertEquals(1, borrows.get());
        AtomicBoolean tried = new AtomicBoolean();
        assertSame(CONNECTION, waiters.await(counting, () -> false, () -> true, () -> tried.getAndSet(true), DOWN),
                "an idle connection to hand out: no trial needed");
        assertTrue(!tried.get());
    }
}
