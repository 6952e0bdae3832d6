package io.github.jdbcliveness.drill;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * Application threads that each borrow, run {@code SELECT 1} and return at a set pace until stopped, recording when
 * each request started and how it ended: what a busy application sees, counted from any moment.
 */
final class PacedTraffic {

    record Request(long startNanos, boolean ok, String error) {
    }

    record Tally(long ok, long failed, String firstError) {
        @Override
        public String toString() {
            return ok + " ok, " + failed + " failed" + (firstError == null ? "" : " (first: " + firstError + ")");
        }
    }

    private final AtomicBoolean stop = new AtomicBoolean();
    /** While set, each thread stops at the top of its loop and waits for it to open. */
    private volatile CountDownLatch gate;
    private volatile CountDownLatch arrived;
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();

    private PacedTraffic() {
    }

    static PacedTraffic start(DataSource ds, int threads, Duration pace) {
        PacedTraffic t = new PacedTraffic();
        for (int i = 0; i < threads; i++) {
            Thread w = new Thread(() -> t.loop(ds, pace.toNanos()), "paced-" + i);
            w.setDaemon(true);
            t.threads.add(w);
        }
        t.threads.forEach(Thread::start);
        return t;
    }

    private void loop(DataSource ds, long paceNanos) {
        long next = System.nanoTime();
        while (!stop.get()) {
            CountDownLatch g = gate;
            if (g != null) {
                arrived.countDown();
                try {
                    g.await();
                } catch (InterruptedException e) {
                    return;
                }
                next = System.nanoTime();
                continue;
            }
            long start = System.nanoTime();
            try (Connection c = ds.getConnection()) {
                Pools.selectOne(c);
                requests.add(new Request(start, true, null));
            } catch (Exception e) {
                requests.add(new Request(start, false, e.toString()));
            }
            next += paceNanos;
            LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
        }
    }

    /** Holds every thread between two requests; returns once all of them are held. */
    void pause(Duration deadline) throws InterruptedException {
        arrived = new CountDownLatch(threads.size());
        gate = new CountDownLatch(1);
        if (!arrived.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("traffic did not pause within " + deadline);
        }
    }

    /** Lets every thread go on at once. */
    void resume() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    void stop() throws InterruptedException {
        stop.set(true);
        resume();
        for (Thread w : threads) {
            w.join(TimeUnit.SECONDS.toMillis(30));
            if (w.isAlive()) {
                throw new AssertionError(w.getName() + " still runs");
            }
        }
    }

    /** What happened to the requests that started at or after {@code fromNanos}. */
    Tally startedFrom(long fromNanos) {
        long ok = 0;
        long failed = 0;
        String first = null;
        for (Request r : requests) {
            if (r.startNanos() - fromNanos < 0) {
                continue;
            }
            if (r.ok()) {
                ok++;
            } else {
                failed++;
                first = first == null ? r.error() : first;
            }
        }
        return new Tally(ok, failed, first);
    }
}
