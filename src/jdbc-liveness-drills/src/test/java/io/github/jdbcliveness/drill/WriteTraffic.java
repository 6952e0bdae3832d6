package io.github.jdbcliveness.drill;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

    private record Done(long startNanos, long endNanos, int serverPort, String sqlState) {
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

    private WriteTraffic() {
    }

    static WriteTraffic start(DataSource ds, String name, int threads, Duration pace, Write write) {
        WriteTraffic w = new WriteTraffic();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> w.loop(ds, pace, write), name + "-writer-" + i);
            t.setDaemon(true);
            w.threads.add(t);
            t.start();
        }
        return w;
    }

    private void loop(DataSource ds, Duration pace, Write write) {
        long next = System.nanoTime();
        while (!stop.get()) {
            long start = System.nanoTime();
            try (Connection c = ds.getConnection()) {
                int port = write.on(c);
                writes.add(new Done(start, System.nanoTime(), port, null));
            } catch (SQLException e) {
                writes.add(new Done(start, System.nanoTime(), -1, String.valueOf(e.getSQLState())));
            }
            next += pace.toNanos();
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
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
}
