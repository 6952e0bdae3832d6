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
final class Evictor implements Verdicts.Eviction<TrackedConnection> {

    private static final Logger LOG = LoggerFactory.getLogger(Evictor.class);
    private static final AtomicBoolean WARNED_NO_TASK = new AtomicBoolean();

    /** How often an eviction looks again whether its entry is in HikariCP's bag ({@link BagCount}). */
    static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * How long an eviction waits for that proof at most. Safety only: the proof fails for good only if an entry was
     * lost outside our count, and that must not stop every later eviction; a thread preempted for a second between
     * two statements of HikariCP's is past what this guards against.
     */
    static final long PROOF_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String poolName;
    private final Executor executor;
    private final BagCount bag = new BagCount();

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

    /** Where an eviction waits until its entry is in HikariCP's bag (HikariCP's housekeeping thread: cheap checks). */
    void later(ScheduledExecutorService executor) {
        this.later = executor;
    }

    /** Takes a connection known dead out of HikariCP's pool, now if it is idle, else as soon as HikariCP can. */
    @Override
    public void evict(TrackedConnection t) {
        Runnable task = t.hikariEvictTask();
        if (task == null) {
            if (WARNED_NO_TASK.compareAndSet(false, true)) {
                LOG.warn("{} - HikariCP scheduled no end-of-life or keepalive task for {} (is this a HikariCP "
                        + "version jdbc-liveness does not know?): a dead idle connection then leaves the pool only "
                        + "when it is drawn next or at HikariCP's keepalive", poolName, t.ref());
            }
            return;
        }
        evictOnceInBag(t, task, System.nanoTime());
    }

    /**
     * Takes a leased connection out of HikariCP's pool before it is aborted under its borrower: HikariCP's task runs
     * here, now, and marks the entry evicted; HikariCP then swallows the errors of the borrower's {@code close()} and
     * closes the entry at that return. The task does not wait: a leased entry cannot be reserved, so it is only
     * marked (returned meanwhile, it is handed to HikariCP's closer). With HikariCP's {@code maxLifetime} 0 the entry
     * has only its keepalive task, which leaves a leased entry alone: the entry is not marked, and the borrower's
     * {@code close()} may report the abort's "connection is closed", as before.
     */
    @Override
    public void evictLeased(TrackedConnection t) {
        Runnable task = t.hikariEvictTask();
        if (task == null) {
            evict(t); // warns once
            return;
        }
        task.run();
    }

    /** Runs HikariCP's task for {@code t} once its entry is proved to be in HikariCP's bag. */
    private void evictOnceInBag(TrackedConnection t, Runnable task, long sinceNanos) {
        if (t.state.state() == LeaseState.State.CLOSED) {
            return; // HikariCP closed it meanwhile (drawn and evicted by a borrower): nothing left to remove
        }
        HikariDataSource pool = hikari;
        ScheduledExecutorService wait = later;
        if (wait != null && !t.drawn() && !bag.allInBag(pool == null ? null : pool.getHikariPoolMXBean())
                && System.nanoTime() - sinceNanos < PROOF_WAIT_NANOS) {
            try {
                wait.schedule(() -> evictOnceInBag(t, task, sinceNanos), RECHECK_NANOS, TimeUnit.NANOSECONDS);
                return;
            } catch (RejectedExecutionException e) {
                // shutting down: run it now
            }
        }
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // shutting down: HikariCP's task is quick (it hands the close to HikariCP's own closer)
        }
    }

    /** A connection left setup: HikariCP has scheduled its tasks and is about to add its entry to the bag. */
    void leftSetup() {
        bag.leftSetup();
    }

    /** HikariCP closed a connection that had left setup (it removed the entry from its bag first). */
    void closedAfterSetup() {
        bag.closedAfterSetup();
    }

    /** A borrower drew a dead connection and holds its open proxy: HikariCP closes it now and refills. */
    void evictBorrowed(Connection proxy) {
        HikariDataSource pool = hikari;
        if (pool != null) {
            pool.evictConnection(proxy);
        }
    }
}
