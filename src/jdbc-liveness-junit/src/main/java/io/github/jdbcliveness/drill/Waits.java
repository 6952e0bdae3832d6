package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The drills' scripted pauses and bounded waits on a pool's own counters (the JUnit kit uses them too). */
public final class Waits {

    private Waits() {
    }

    /** Parks until {@code nanoTime}: a drill's scripted pause (the fault comes 1 s in), not a wait for an event. */
    public static void parkUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Waits, up to 30 s, until the pool holds {@code size} connections. */
    public static void awaitFull(HikariDataSource pool, int size) {
        if (!awaitTotal(pool, size, System.nanoTime() + TimeUnit.SECONDS.toNanos(30))) {
            throw new IllegalStateException(pool.getPoolName() + " did not fill within 30 s");
        }
    }

    /** Whether the pool holds {@code size} connections by {@code deadlineNanos} ({@link System#nanoTime()}). */
    public static boolean awaitTotal(HikariDataSource pool, int size, long deadlineNanos) {
        while (pool.getHikariPoolMXBean().getTotalConnections() < size) {
            if (System.nanoTime() - deadlineNanos > 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }
}
