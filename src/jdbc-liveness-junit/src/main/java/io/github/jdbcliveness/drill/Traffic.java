package io.github.jdbcliveness.drill;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Application threads doing borrow / {@code SELECT 1} / return for a fixed number of requests each, recording what
 * a user feels: failures, slow requests, the slowest one. Bounded by count, and each request by the pool's own
 * timeouts; never by sleeping.
 */
public final class Traffic {

    /** A request slower than this counts as slow. */
    public static final Duration SLOW = Duration.ofSeconds(1);

    /** What the application threads felt. */
    public record Result(long requests, long failed, long slow, Duration max, List<String> errors) {
        @Override
        public String toString() {
            return requests + " requests, " + failed + " failed, " + slow + " slow (> " + SLOW.toMillis()
                    + " ms), max " + max.toMillis() + " ms" + (errors.isEmpty() ? "" : ", first error: "
                            + errors.get(0));
        }
    }

    private Traffic() {
    }

    /** One application request, for example a {@code JdbcTemplate} query. */
    @FunctionalInterface
    public interface Request {
        void send() throws Exception;
    }

    /** Each of {@code threads} threads borrows, runs {@code SELECT 1} and returns, {@code requestsPerThread} times. */
    public static Result run(DataSource ds, int threads, int requestsPerThread) throws Exception {
        return run(threads, requestsPerThread, () -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
        });
    }

    /** Each of {@code threads} threads sends {@code request} {@code requestsPerThread} times, one after another. */
    public static Result run(int threads, int requestsPerThread, Request request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong failed = new AtomicLong();
        AtomicLong slow = new AtomicLong();
        AtomicLong max = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < requestsPerThread; i++) {
                        long start = System.nanoTime();
                        try {
                            request.send();
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            errors.add(e.toString());
                        }
                        long took = System.nanoTime() - start;
                        max.accumulateAndGet(took, Math::max);
                        if (took > SLOW.toNanos()) {
                            slow.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result((long) threads * requestsPerThread, failed.get(), slow.get(), Duration.ofNanos(max.get()),
                List.copyOf(errors));
    }
}
