package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path by which a dead connection leaves HikariCP. Every connection found dead goes through
 * {@link #evict}, once, whether or not anyone ever borrowed it: HikariCP's own end-of-life task for that entry
 * (captured by {@link HousekeepingExecutor}) marks it evicted and closes it at once if it is idle, or when its
 * borrower returns it or HikariCP draws it next; then HikariCP refills the pool. A borrower holding the connection's
 * open proxy evicts through that proxy instead ({@link #evictBorrowed}), which closes it at once.
 *
 * <p>Each entry is removed by exactly one of these paths, so HikariCP never logs "attempt to remove an object from
 * the bag that was not borrowed or reserved".
 */
final class Evictor {

    private static final Logger LOG = LoggerFactory.getLogger(Evictor.class);
    private static final AtomicBoolean WARNED_NO_TASK = new AtomicBoolean();

    private final String poolName;
    private final Executor executor;
    /** HikariCP adds an entry to its bag right after it scheduled the entry's tasks: this long after, it is in. */
    static final long JUST_READY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private volatile HikariDataSource hikari;
    private volatile ScheduledExecutorService later;

    /** @param executor where HikariCP's task runs (it may close a connection: never a probe lane, never a borrower) */
    Evictor(String poolName, Executor executor) {
        this.poolName = poolName;
        this.executor = executor;
    }

    void attach(HikariDataSource pool) {
        this.hikari = pool;
    }

    /** Where an eviction of a connection that only just left setup waits until HikariCP has added it to its bag. */
    void later(ScheduledExecutorService executor) {
        this.later = executor;
    }

    /** Takes a connection known dead out of HikariCP's pool, now if it is idle, else as soon as HikariCP can. */
    void evict(TrackedConnection t) {
        Runnable task = t.hikariEvictTask();
        if (task == null) {
            if (WARNED_NO_TASK.compareAndSet(false, true)) {
                LOG.warn("{} - HikariCP scheduled no end-of-life or keepalive task for {} (is this a HikariCP "
                        + "version jdbc-liveness does not know?): a dead idle connection then leaves the pool only "
                        + "when it is drawn next or at HikariCP's keepalive", poolName, t.ref());
            }
            return;
        }
        try {
            ScheduledExecutorService wait = later;
            long sinceReady = System.nanoTime() - t.readyNanos();
            if (wait != null && sinceReady < JUST_READY_NANOS) {
                wait.schedule(() -> executor.execute(task), JUST_READY_NANOS - sinceReady,
                        TimeUnit.NANOSECONDS);
            } else {
                executor.execute(task);
            }
        } catch (RejectedExecutionException e) {
            task.run(); // shutting down: HikariCP's task is quick (it hands the close to HikariCP's own closer)
        }
    }

    /** A borrower drew a dead connection and holds its open proxy: HikariCP closes it now and refills. */
    void evictBorrowed(Connection proxy) {
        HikariDataSource pool = hikari;
        if (pool != null) {
            pool.evictConnection(proxy);
        }
    }
}
