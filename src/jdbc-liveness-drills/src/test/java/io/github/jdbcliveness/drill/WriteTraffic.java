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

    /**
     * One write on a borrowed connection; returns which server took it: its port, or any number that tells the
     * servers apart (two servers on one port and two addresses).
     */
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

    /**
     * How writes came back after a failover, counted from it: when the last write that was not yet normal ended (one
     * that failed, reached another server than the new primary, or took longer than {@link #SLOW}: a borrow that waits
     * is as bad as a failure to the application; 0 when none), and the longest write.
     */
    record Settling(double backSeconds, double longestSeconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "writes normal again (on the new primary, none slower than %.1f s) from "
                    + "%.2f s after the failover; the longest took %.2f s", SLOW.toMillis() / 1000.0, backSeconds,
                    longestSeconds);
        }
    }

    /** A write slower than this was held up: on loopback a write takes milliseconds. */
    static final Duration SLOW = Duration.ofMillis(500);

    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Done> writes = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Per thread, when its write under way started, or {@link #IDLE}: a write that hangs is in no result yet. */
    private final AtomicLongArray underWay;
    private static final long IDLE = Long.MIN_VALUE;

    private WriteTraffic(int threads) {
        underWay = new AtomicLongArray(threads);
        for (int i = 0; i < threads; i++) {
            underWay.set(i, IDLE);
        }
    }

    static WriteTraffic start(DataSource ds, String name, int threads, Duration pace, Write write) {
        WriteTraffic w = new WriteTraffic(threads);
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
            underWay.set(slot, start);
            try (Connection c = ds.getConnection()) {
                int port = write.on(c);
                writes.add(new Done(start, System.nanoTime(), port, null, false));
            } catch (SQLException e) {
                writes.add(new Done(start, System.nanoTime(), -1, String.valueOf(e.getSQLState()),
                        e instanceof HostDownException));
            }
            underWay.set(slot, IDLE);
            next += pace.toNanos();
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    /** Requests under way now that started more than {@code longerThan} ago. */
    long waitingLongerThan(Duration longerThan) {
        long now = System.nanoTime();
        long n = 0;
        for (int i = 0; i < underWay.length(); i++) {
            long start = underWay.get(i);
            n += start != IDLE && now - start > longerThan.toNanos() ? 1 : 0;
        }
        return n;
    }

    /** How long the oldest write still under way has taken so far at {@code nowNanos} (0 when none is). */
    long longestUnderWayNanos(long nowNanos) {
        long longest = 0;
        for (int i = 0; i < underWay.length(); i++) {
            long start = underWay.get(i);
            if (start != IDLE) {
                longest = Math.max(longest, nowNanos - start);
            }
        }
        return longest;
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

    /** {@link Settling} for writes started after {@code failoverNanos}; {@code newServer} as {@link Write} returns it. */
    Settling settling(long failoverNanos, int newServer) {
        long back = failoverNanos;
        long longest = 0;
        for (Done w : writes) {
            if (w.startNanos - failoverNanos < 0) {
                continue;
            }
            long took = w.endNanos - w.startNanos;
            longest = Math.max(longest, took);
            if (w.sqlState != null || w.serverPort != newServer || took > SLOW.toNanos()) {
                back = Math.max(back, w.endNanos);
            }
        }
        return new Settling((back - failoverNanos) / 1e9, longest / 1e9);
    }
}
