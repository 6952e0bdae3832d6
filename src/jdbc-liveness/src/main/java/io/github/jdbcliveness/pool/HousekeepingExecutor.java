package io.github.jdbcliveness.pool;

import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The housekeeping executor jdbc-liveness gives HikariCP ({@code HikariConfig.setScheduledExecutor}), configured as
 * HikariCP configures its own (one thread, cancelled tasks removed, nothing run after shutdown).
 *
 * <p>Why: HikariCP's public API can evict a connection only through a proxy it handed out, and a connection that
 * died before anyone borrowed it has none. But right after HikariCP opens a connection it schedules that entry's own
 * end-of-life task ({@code MaxLifetimeTask}: mark evicted, close now if idle, else when returned, then refill) and
 * its keepalive task ({@code KeepaliveTask}: reserve if idle, check, evict, refill), on this executor and on the
 * thread that opened it. {@link ConnectionFactory} marks that thread with the connection it just opened, and this
 * executor hands each task to that connection, so the {@link Evictor} can run it the moment the connection is found
 * dead: the one path into HikariCP that removes exactly that entry, idle or in use, and refills the pool. The future
 * returned for each such task knows its connection as well, for the other direction: HikariCP cancels it when it
 * removes the entry, and {@link ReadOnlyEvidence} learns from that which connection a refused write evicted.
 */
final class HousekeepingExecutor extends ScheduledThreadPoolExecutor {

    private static final ThreadLocal<TrackedConnection> JUST_OPENED = new ThreadLocal<>();

    private final Runnable onFirstTask;
    private volatile boolean keepaliveScheduled;

    /**
     * @param threadFactory HikariCP's {@code threadFactory} setting, or null for a daemon thread named as HikariCP
     *                      names its own
     * @param keepaliveScheduled whether HikariCP schedules a keepalive task per entry (after its end-of-life task)
     * @param onFirstTask   run on every schedule call (it must be idempotent): HikariCP's pool constructor reaches
     *                      this executor right after it read its request-boundaries switch
     */
    HousekeepingExecutor(String poolName, ThreadFactory threadFactory, boolean keepaliveScheduled,
            Runnable onFirstTask) {
        super(1, threadFactory != null ? threadFactory : daemon(poolName + ":housekeeper"), new DiscardPolicy());
        this.onFirstTask = onFirstTask;
        this.keepaliveScheduled = keepaliveScheduled;
        setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        setRemoveOnCancelPolicy(true);
    }

    /** Decided again before a wrapped pool starts, from the settings it starts with. */
    void keepaliveScheduled(boolean scheduled) {
        this.keepaliveScheduled = scheduled;
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Called by the connection factory on HikariCP's thread, right before HikariCP schedules the entry's tasks. */
    static void opened(TrackedConnection t) {
        JUST_OPENED.set(t);
    }

    /** Forgets the last connection opened on this thread (after a pool start on a caller's thread). */
    static void forgetOpened() {
        JUST_OPENED.remove();
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        TrackedConnection t = capture(command);
        ScheduledFuture<?> f = super.schedule(command, delay, unit);
        return t == null ? f : new EntryTask<>(f, t);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
            TimeUnit unit) {
        TrackedConnection t = capture(command);
        ScheduledFuture<?> f = super.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        return t == null ? f : new EntryTask<>(f, t);
    }

    /** @return the connection whose entry {@code command} is one of HikariCP's tasks for, or null */
    private TrackedConnection capture(Runnable command) {
        onFirstTask.run();
        TrackedConnection t = JUST_OPENED.get();
        if (t == null) {
            return null;
        }
        EvictTask kind = EvictTask.of(command);
        if (kind == null) {
            return null;
        }
        t.hikariTask(kind, command);
        if (kind == EvictTask.KEEPALIVE || !keepaliveScheduled) {
            JUST_OPENED.remove(); // the entry's last task: hold no reference to it on HikariCP's thread
        }
        return t;
    }

    /**
     * The future HikariCP keeps for one of an entry's tasks. HikariCP cancels it when it removes the entry from its
     * bag, on the removing thread, before it hands the connection to its closer: the one moment a removal names its
     * connection on the thread that caused it ({@link TrackedConnection#entryRemoved()}).
     */
    private record EntryTask<V>(ScheduledFuture<V> task, TrackedConnection connection) implements ScheduledFuture<V> {

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = task.cancel(mayInterruptIfRunning);
            connection.entryRemoved();
            return cancelled;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return task.getDelay(unit);
        }

        @Override
        public int compareTo(Delayed o) {
            return task.compareTo(o);
        }

        @Override
        public boolean isCancelled() {
            return task.isCancelled();
        }

        @Override
        public boolean isDone() {
            return task.isDone();
        }

        @Override
        public V get() throws InterruptedException, ExecutionException {
            return task.get();
        }

        @Override
        public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
            return task.get(timeout, unit);
        }
    }

    /** HikariCP's per-entry tasks, by the names of their classes (HikariCP 5.0 to 7.1 keep these names). */
    enum EvictTask {
        /** Marks the entry evicted and closes it now if idle, else when it is returned or drawn; then refills. */
        MAX_LIFETIME("$MaxLifetimeTask"),
        /** Reserves the entry if idle, asks isValid (answered from our state), evicts and refills. */
        KEEPALIVE("$KeepaliveTask");

        private final String suffix;

        EvictTask(String suffix) {
            this.suffix = suffix;
        }

        static EvictTask of(Runnable command) {
            String name = command.getClass().getName();
            if (!name.startsWith("com.zaxxer.hikari.pool.HikariPool$")) {
                return null;
            }
            for (EvictTask k : values()) {
                if (name.endsWith(k.suffix)) {
                    return k;
                }
            }
            return null;
        }
    }
}
