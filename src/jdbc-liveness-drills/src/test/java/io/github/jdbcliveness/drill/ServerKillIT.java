package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D4: every pooled session is killed server-side while idle. The heartbeat evicts all of them within B = 6 s, the
 * pool refills, and requests afterwards all succeed.
 */
class ServerKillIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void idleSessionsKilledServerSide_areEvictedWithinBudget_andLaterRequestsSucceed(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.endAllSessions(target, driver);
        EvictionRecorder recorder = new EvictionRecorder();
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, driver, "d4-" + driver, POOL),
                LivenessConfig.builder().detectionBudget(B).build())) {
            ds.addListener(recorder);
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));

            long fault = System.nanoTime();
            int terminated = Pools.killAllSessions(target, driver); // a closing admin session may be among them
            assertTrue(terminated >= POOL, "terminated " + terminated + " sessions");
            List<EvictionRecorder.Eviction> seen = recorder.await(POOL, B.plusSeconds(2));
            System.out.printf("D4 %s on %s: %d evictions, last %.2f s after the kill%n", driver, kind, seen.size(),
                    seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0) / 1e9);
            assertTrue(seen.size() >= POOL, "evicted " + seen.size() + " of " + POOL + ": " + seen);
            for (EvictionRecorder.Eviction e : seen) {
                assertTrue(e.atNanos() - fault <= B.toNanos(), "evicted " + (e.atNanos() - fault) / 1e9
                        + " s after the kill, budget " + B + ": " + e);
            }

            Pools.awaitIdle(pool, POOL, B);
            for (int i = 0; i < 50; i++) {
                try (Connection c = ds.getConnection()) {
                    assertEquals(1, Pools.selectOne(c));
                }
            }
            LivenessStats stats = ds.stats();
            System.out.println("D4 stats: " + stats);
            assertEquals(0, stats.knownDeadNow(), stats.toString());
        }
    }
}
