package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D5 with HikariCP's own {@code connectionTimeout} (30 s) and nothing but the budget set: the host goes down under
 * traffic that keeps the pool exhausted, so borrowers are already waiting inside HikariCP when the host verdict
 * comes. They fail at the verdict instead of waiting out the 30 s, the requests in flight end (by the in-flight
 * watchdog when unacknowledged, by keepalive when waiting for an answer: 5 s at B = 6 s), and no call of any kind
 * takes much longer than B. After the heal the pool is full again within B.
 */
class HostDownWaitingBorrowersIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 4;
    private static final int THREADS = 8;
    /**
     * A margin over B for a loaded 2-core machine: the verdict comes 2 to 4 s after the fault, and keepalive ends a
     * request waiting for its answer 5 s after the last byte (5.2-5.4 s measured).
     */
    private static final Duration MARGIN = Duration.ofSeconds(1);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void borrowersWaitingInHikariWhenTheHostIsJudgedDown_failAtTheVerdict_notAfterConnectionTimeout(
            DatabaseTarget.Kind kind, String driver) throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.endAllSessions(target, driver);
        HikariConfig config = Pools.hikari(target, driver, "d5w-" + driver, POOL);
        String work = kind == DatabaseTarget.Kind.POSTGRESQL ? "SELECT pg_sleep(0.05)" : "SELECT SLEEP(0.05)";
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try (LivenessDataSource ds = LivenessDataSource.create(config,
                LivenessConfig.builder().detectionBudget(B).build()); NftFaults faults = NftFaults.open()) {
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            assertEquals(30_000, pool.getConnectionTimeout(), "HikariCP's default connectionTimeout");
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));

            long faultAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            long healAt = faultAt + 2 * B.toNanos();
            long stopAt = healAt + B.toNanos();
            AtomicLong waitedAtFault = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong slowest = new AtomicLong();
            AtomicLong slowestBorrowFailure = new AtomicLong();
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                runs.add(threads.submit(() -> {
                    while (System.nanoTime() < stopAt) {
                        long start = System.nanoTime();
                        boolean borrowed = false;
                        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                            borrowed = true;
                            s.execute(work);
                        } catch (SQLException e) {
                            failed.incrementAndGet();
                            if (!borrowed) {
                                slowestBorrowFailure.accumulateAndGet(System.nanoTime() - start, Math::max);
                            }
                        }
                        slowest.accumulateAndGet(System.nanoTime() - start, Math::max);
                    }
                    return null;
                }));
            }
            Pools.parkUntil(faultAt);
            faults.blackhole(target.port());
            long fault = System.nanoTime();
            waitedAtFault.set(pool.getHikariPoolMXBean().getThreadsAwaitingConnection());
            Pools.parkUntil(healAt);
            faults.heal();
            long healed = System.nanoTime();
            Pools.awaitTrue(B, () -> pool.getHikariPoolMXBean().getTotalConnections() == POOL,
                    () -> "pool total " + pool.getHikariPoolMXBean().getTotalConnections() + " of " + POOL);
            long full = System.nanoTime() - healed; // under traffic, so counted as open, not as idle
            for (Future<?> f : runs) {
                f.get(1, TimeUnit.MINUTES);
            }
            System.out.printf("D5 waiting borrowers, %s on %s: %d waiting in HikariCP at the fault, verdict %s, "
                    + "%d calls failed, slowest call %.2f s, slowest failed borrow %.2f s; full %.2f s after the "
                    + "heal%n", driver, kind, waitedAtFault.get(), ds.stats().host(), failed.get(),
                    slowest.get() / 1e9, slowestBorrowFailure.get() / 1e9, full / 1e9);
            assertTrue(waitedAtFault.get() >= 1, "the drill's premise: borrowers waiting inside HikariCP at the fault");
            assertTrue(ds.stats().host().timesDown() >= 1, "the host was judged down: " + ds.stats().host());
            assertTrue(failed.get() > 0, "calls failed during the outage");
            assertTrue(slowest.get() <= B.plus(MARGIN).toNanos(), "slowest call " + slowest.get() / 1e9
                    + " s, B is " + B.toSeconds() + " s; fault at " + (fault - faultAt) / 1e6 + " ms late");
        } finally {
            threads.shutdownNow();
            Pools.endAllSessions(target, driver);
        }
    }
}
