package io.github.jdbcliveness.drill;

import io.github.jdbcliveness.HostDownException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Application threads that each borrow, write one row and return at a set pace until stopped, asking the server which
 * one took the write: what an application sees across a failover, counted from the moment of it.
 */
final class WriteTraffic {

    /** One write on a borrowed connection; returns the port of the server that took it. */
    interface Write {
        int on(Connection c) throws SQLException;
    }

    private record Done(long startNanos, long endNanos, int serverPort, String sqlState, boolean hostDown) {
    }

    /**
     * A pool's requests across an outage, counted from its start: those that failed at the borrow because the pool
     * judged its host down ({@link HostDownException}), the others that failed, those started
     * after the budget that failed, the slowest, and those still waiting when it was asked.
     */
    record Outage(long ok, long failedHostDown, long failedOther, long failedAfterB, double slowestSeconds,
            long unfinished) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d ok, %d failed as host down at the borrow, %d failed otherwise, %d "
                    + "started after B failed; slowest %.2f s, %d still waiting", ok, failedHostDown, failedOther,
                    failedAfterB, slowestSeconds, unfinished);
        }
    }

    /** A pool's writes across a failover. */
    record Result(long ok, long failed, long failedAfterB, long onNewPrimary, double lastFailureSeconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d writes ok (%d on the new primary), %d failed, %d of them started "
                    + "after B; last failure %.2f s after the failover", ok, onNewPrimary, failed, failedAfterB,
                    lastFailureSeconds);
        }
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Done> writes = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Each thread's request under way: when it started, or 0 between requests. */
    private final AtomicLongArray busySince = new AtomicLongArray(64);

    private WriteTraffic() {
    }

    static WriteTraffic start(DataSource ds, String name, int threads, Duration pace, Write write) {
        WriteTraffic w = new WriteTraffic();
        for (int i = 0; i < threads; i++) {
            int slot = i;
            Thread t = new Thread(() -> w.loop(slot, ds, pace, write), name + "-writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    private void loop(int slot, DataSource ds, Duration pace, Write write) {
        long next = System.nanoTime();
        while (!stop.get()) {
            long start = System.nanoTime();
            busySince.set(slot, start);
            try (Connection c = ds.getConnection()) {
                int port = write.on(c);
                writes.add(new Done(start, System.nanoTime(), port, null, false));
            } catch (SQLException e) {
                writes.add(new Done(start, System.nanoTime(), -1, String.valueOf(e.getSQLState()),
                        e instanceof HostDownException));
            } finally {
                busySince.set(slot, 0);
            }
            next += pace.toNanos();
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    /** Requests under way now that started more than {@code longerThan} ago. */
    long waitingLongerThan(Duration longerThan) {
        long now = System.nanoTime();
        long n = 0;
        for (int i = 0; i < threads.size(); i++) {
            long since = busySince.get(i);
            n += since != 0 && now - since > longerThan.toNanos() ? 1 : 0;
        }
        return n;
    }

    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Counted from {@code failoverNanos}: failures, those started after {@code budget}, writes on {@code newPort}. */
    Result result(long failoverNanos, Duration budget, int newPort) {
        long ok = 0;
        long failed = 0;
        long failedAfterB = 0;
        long onNew = 0;
        long lastFailure = failoverNanos;
        for (Done w : writes) {
            if (w.sqlState == null) {
                ok++;
                onNew += w.serverPort == newPort ? 1 : 0;
            } else if (w.startNanos - failoverNanos >= 0) {
                failed++;
                failedAfterB += w.startNanos - failoverNanos - budget.toNanos() >= 0 ? 1 : 0;
                lastFailure = Math.max(lastFailure, w.endNanos);
            }
        }
        return new Result(ok, failed, failedAfterB, onNew, (lastFailure - failoverNanos) / 1e9);
    }

    /** Counted from {@code fromNanos} to {@code untilNanos} (by start): see {@link Outage}. */
    Outage outage(long fromNanos, long untilNanos, Duration budget, long unfinished) {
        long ok = 0;
        long hostDown = 0;
        long other = 0;
        long afterB = 0;
        long slowest = 0;
        for (Done w : writes) {
            if (w.startNanos - fromNanos < 0 || w.startNanos - untilNanos > 0) {
                continue;
            }
            slowest = Math.max(slowest, w.endNanos - w.startNanos);
            if (w.sqlState == null) {
                ok++;
                continue;
            }
            hostDown += w.hostDown ? 1 : 0;
            other += w.hostDown ? 0 : 1;
            afterB += w.startNanos - fromNanos - budget.toNanos() >= 0 ? 1 : 0;
        }
        return new Outage(ok, hostDown, other, afterB, slowest / 1e9, unfinished);
    }
}
