package io.github.jdbcliveness.pool;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * HikariCP reads its JVM-wide switch {@code com.zaxxer.hikari.enableRequestBoundaries} once per pool, in the pool's
 * constructor, before it opens a connection or schedules a task. jdbc-liveness needs it on for its own pools only, so
 * it sets the property just before starting one and restores it at the first thing HikariCP does after reading it:
 * opening the first connection ({@link ConnectionFactory}) or scheduling a task ({@link HousekeepingExecutor}),
 * whichever comes first. The window is microseconds, not the whole start with its first connect, and pools started
 * by jdbc-liveness meanwhile wait for it one at a time.
 */
public final class StartWindow implements AutoCloseable {

    /** HikariCP's switch. */
    public static final String PROPERTY = "com.zaxxer.hikari.enableRequestBoundaries";
    private static final Semaphore ONE_AT_A_TIME = new Semaphore(1);

    private final String before;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StartWindow(String before) {
        this.before = before;
    }

    /** Sets the switch; it stays set until {@link #close()} (from any thread). */
    public static StartWindow open() {
        ONE_AT_A_TIME.acquireUninterruptibly();
        String before = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "true");
        return new StartWindow(before);
    }

    /** Restores the switch as it was. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
        ONE_AT_A_TIME.release();
    }
}
