package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
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
 * D5: every packet to the server port is dropped for 2 × B, then healed. Once the pool's connections are known dead,
 * borrowers fail within HikariCP's connectionTimeout instead of being handed a dead connection; after the heal the
 * pool is full again within B.
 */
class HostDownIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final long CONNECTION_TIMEOUT_MS = 2000;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void hostDown_borrowersFailWithinConnectionTimeout_andThePoolRefillsWithinBudgetAfterTheHeal(
            DatabaseTarget.Kind kind, String driver) throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.killAllSessions(target, driver);
        EvictionRecorder recorder = new EvictionRecorder();
        HikariConfig config = Pools.hikari(target, driver, "d5-" + driver, POOL);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        ExecutorService borrowers = Executors.newFixedThreadPool(4);
        try (LivenessDataSource ds = LivenessDataSource.create(config,
                LivenessConfig.builder().detectionBudget(B).build()); NftFaults faults = NftFaults.open()) {
            ds.addListener(recorder);
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));

            faults.blackhole(target.port());
            long fault = System.nanoTime();
            List<EvictionRecorder.Eviction> seen = recorder.await(POOL, B.plusSeconds(2));
            long last = seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0);
            assertTrue(seen.size() >= POOL, "evicted " + seen.size() + " of " + POOL);
            assertTrue(last <= B.toNanos(), "last eviction " + last / 1e9 + " s after the fault");

            long healAt = fault + 2 * B.toNanos();
            AtomicLong handed = new AtomicLong();
            AtomicLong failedInTime = new AtomicLong();
            AtomicLong maxFailNanos = new AtomicLong();
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(borrowers.submit(() -> {
                    while (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECTION_TIMEOUT_MS) < healAt) {
                        long start = System.nanoTime();
                        try (Connection c = ds.getConnection()) {
                            handed.incrementAndGet();
                        } catch (SQLException e) {
                            long took = System.nanoTime() - start;
                            maxFailNanos.accumulateAndGet(took, Math::max);
                            if (took <= TimeUnit.MILLISECONDS.toNanos(CONNECTION_TIMEOUT_MS + 1000)) {
                                failedInTime.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                f.get(1, TimeUnit.MINUTES);
            }
            Pools.parkUntil(healAt);
            faults.heal();
            long healed = System.nanoTime();
            Pools.awaitIdle(pool, POOL, B);
            long full = System.nanoTime() - healed;
            System.out.printf("D5 %s on %s: evicted %d (last %.2f s), borrows during the outage: %d handed a "
                    + "connection, %d failed within connectionTimeout (slowest %.2f s); full %.2f s after the heal%n",
                    driver, kind, seen.size(), last / 1e9, handed.get(), failedInTime.get(), maxFailNanos.get() / 1e9,
                    full / 1e9);
            assertEquals(0, handed.get(), "no borrower may be handed a connection while the host is down");
            assertTrue(failedInTime.get() > 0, "borrowers tried and failed in time");
            assertTrue(maxFailNanos.get() <= TimeUnit.MILLISECONDS.toNanos(CONNECTION_TIMEOUT_MS + 1000),
                    "slowest failed borrow " + maxFailNanos.get() / 1e9 + " s");
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
        } finally {
            borrowers.shutdownNow();
            Pools.killAllSessions(target, driver);
        }
    }
}
