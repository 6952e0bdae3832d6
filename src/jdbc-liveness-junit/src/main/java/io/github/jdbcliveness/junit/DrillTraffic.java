package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.HostDownException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Application traffic for a drill: threads that borrow, run {@code SELECT 1} and return, one request every 10 ms
 * each, counting requests, failures and the slowest borrow and request, including the ones still running.
 */
final class DrillTraffic implements AutoCloseable {

    private static final long PACE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** A refusal while the host is down within this is fast: at once, or after one half-open trial (500 ms at most). */
    private static final long FAST_FAILURE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLongArray startedAt;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong fastFailed = new AtomicLong();
    private final AtomicLong slowest = new AtomicLong();
    private final AtomicLong slowestBorrow = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private volatile boolean stop;

    private final DrillRecorder recorder;

    DrillTraffic(DataSource ds, int n, String name, DrillRecorder recorder) {
        this.recorder = recorder;
        startedAt = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            int slot = i;
            Thread t = new Thread(() -> run(ds, slot), "jdbc-liveness-drill-traffic-" + name + "-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void run(DataSource ds, int slot) {
        while (!stop) {
            long start = System.nanoTime();
            startedAt.set(slot, start);
            boolean borrowed = false;
            try (Connection c = ds.getConnection()) {
                borrowed = true;
                slowestBorrow.accumulateAndGet(System.nanoTime() - start, Math::max);
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
            } catch (SQLException e) {
                failed.incrementAndGet();
                if (e instanceof HostDownException && System.nanoTime() - start <= FAST_FAILURE_NANOS) {
                    fastFailed.incrementAndGet(); // refused at once (or after one half-open trial), not after a wait
                }
                if (borrowed && e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    recorder.connectionError(System.nanoTime());
                }
                firstError.compareAndSet(null, e.getSQLState() + " " + e.getMessage());
            }
            long took = System.nanoTime() - start;
            startedAt.set(slot, 0);
            requests.incrementAndGet();
            slowest.accumulateAndGet(took, Math::max);
            LockSupport.parkNanos(PACE_NANOS); // the pace of the traffic, not a wait for an event
        }
    }

    /** The slowest request so far, counting the ones still running by how long they have run. */
    long slowestNanos() {
        long now = System.nanoTime();
        long max = slowest.get();
        for (int i = 0; i < startedAt.length(); i++) {
            long s = startedAt.get(i);
            if (s != 0) {
                max = Math.max(max, now - s);
            }
        }
        return max;
    }

    long slowestBorrowNanos() {
        return slowestBorrow.get();
    }

    long requests() {
        return requests.get();
    }

    long failed() {
        return failed.get();
    }

    /** Of the failed requests, those refused at once because the host was judged down: never sent, no wait. */
    long fastFailed() {
        return fastFailed.get();
    }

    String firstError() {
        return firstError.get();
    }

    int threads() {
        return threads.size();
    }

    /** Stops the threads; a thread stuck in a request is interrupted after the grace and waited for once more. */
    @Override
    public void close() {
        stop = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
