package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The lease guard under contention: many application threads borrow a few connections as fast as they can while
 * the heartbeat probes every 10 ms (the smallest interval it takes). The stub server counts every probe
 * ({@code isValid}) that runs while an application thread holds the connection, and every borrower that was handed
 * a connection while a probe was still on it. Both must be zero, with hundreds of probes and thousands of borrows
 * counted, and with borrowers drawing connections a probe holds (they wait for it) — so that a guard that let a
 * probe through would show.
 */
class LeaseGuardConcurrencyTest {

    private static final int THREADS = 8;
    private static final int POOL = 4;
    private static final int BORROWS_PER_THREAD = 3_000;
    /** Probes the run must see at least, so that "no probe on a lease" is not vacuous. */
    private static final int MIN_PROBES = 200;

    @Test
    void probesEvery10ms_neverTouchALeasedConnection_andNoBorrowerGetsOneUnderAProbe() throws Exception {
        StubServer server = StubServer.start();
        server.latencyNanos = TimeUnit.MICROSECONDS.toNanos(100); // each probe takes a round trip: a window to hit
        HikariConfig c = PoolBindingTest.hikari(server, "lease-guard", POOL);
        c.setConnectionTimeout(5000);
        AtomicInteger borrowedUnderProbe = new AtomicInteger();
        AtomicInteger borrows = new AtomicInteger();
        ExecutorService app = Executors.newFixedThreadPool(THREADS);
        try (LivenessDataSource ds = LivenessDataSource.create(c,
                PoolBindingTest.fast().heartbeatInterval(Duration.ofMillis(10)).build())) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                runs.add(app.submit(() -> {
                    for (int i = 0; i < BORROWS_PER_THREAD; i++) {
                        try (Connection conn = ds.getConnection()) {
                            StubServer.StubConnection stub = StubServer.of(
                                    conn.unwrap(TrackedConnection.class).delegate);
                            stub.applicationHolds.incrementAndGet();
                            try {
                                if (stub.validating.get() > 0) {
                                    borrowedUnderProbe.incrementAndGet();
                                }
                                try (Statement s = conn.createStatement()) {
                                    s.execute("SELECT 'application'");
                                }
                                // The application's own work on the connection, scripted: up to 200 µs.
                                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(200_000));
                            } finally {
                                stub.applicationHolds.decrementAndGet();
                            }
                        }
                        borrows.incrementAndGet();
                        // Between borrows, up to 2 ms: the connection is idle for a while, and the heartbeat takes it.
                        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(2, TimeUnit.MINUTES);
            }
            LivenessStats stats = ds.stats();
            int onLease = server.connections.stream().mapToInt(s -> s.validatedWhileHeld.get()).sum();
            System.out.printf("lease guard: %d borrows by %d threads on %d connections, %s; %d probes on a lease, "
                    + "%d borrows handed a connection under a probe%n", borrows.get(), THREADS, POOL, stats, onLease,
                    borrowedUnderProbe.get());
            assertEquals(THREADS * BORROWS_PER_THREAD, borrows.get());
            assertTrue(stats.probesPassed() >= MIN_PROBES, "too few probes for the test to mean anything: " + stats);
            assertEquals(0, onLease, "probes ran on a connection an application thread held: " + stats);
            assertEquals(0, borrowedUnderProbe.get(), "borrowers were handed a connection a probe was on");
            assertTrue(stats.borrowWaitsForProbe() > 0, "no borrower met a probe, so nothing was tested: " + stats);
            assertEquals(0, stats.evictionsTotal(), "no connection died, none may be evicted: " + stats);
        } finally {
            app.shutdownNow();
        }
    }
}
