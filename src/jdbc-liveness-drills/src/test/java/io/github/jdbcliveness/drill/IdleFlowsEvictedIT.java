package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D1: traffic pauses; the pool's ten flows are dropped by nft (a NAT or load balancer forgot them; new connections
 * still work); traffic resumes after B = 6 s. All ten are evicted within B, no request fails or takes over 1 s, and
 * the pool is back to ten healthy connections.
 */
class IdleFlowsEvictedIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void idleFlowsDropped_areEvictedWithinBudget_andTrafficAfterwardsFeelsNothing(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.killAllSessions(target, driver); // sessions other drills left behind a dead path
        EvictionRecorder recorder = new EvictionRecorder();
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, driver, "d1-" + driver, POOL),
                LivenessConfig.builder().detectionBudget(B).build()); NftFaults faults = NftFaults.open()) {
            ds.addListener(recorder);
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));
            Traffic.Result before = Traffic.run(ds, 4, 200);
            assertEquals(0, before.failed(), before.toString());

            List<Integer> flows = Pools.clientPorts(target, driver);
            assertEquals(POOL, flows.size(), "the pool's flows: " + flows);
            faults.dropFlows(target.port(), flows);
            long fault = System.nanoTime();
            List<EvictionRecorder.Eviction> seen = recorder.await(POOL, B.plusSeconds(2));
            long last = seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0);
            System.out.printf("D1 %s on %s: %d evicted, the last %.2f s after the fault (%s)%n", driver, kind,
                    seen.size(), last / 1e9, seen.stream().map(e -> e.reason().toString()).distinct().toList());
            assertTrue(seen.size() >= POOL, "evicted " + seen.size() + " of " + POOL);
            assertTrue(last <= B.toNanos(), "last eviction " + last / 1e9 + " s after the fault, budget " + B);

            Pools.parkUntil(fault + B.toNanos());
            Traffic.Result after = Traffic.run(ds, 4, 200);
            System.out.printf("D1 %s on %s after the fault: %s%n", driver, kind, after);
            assertEquals(0, after.failed(), after.toString());
            assertEquals(0, after.slow(), after.toString());

            Pools.awaitIdle(pool, POOL, B);
            assertEquals(0, ds.stats().knownDeadNow(), ds.stats().toString());
            assertEquals(POOL, Pools.clientPorts(target, driver).stream().filter(p -> !flows.contains(p)).count(),
                    "ten new flows on the server");
        } finally {
            // The server still holds the dropped flows' sessions: it never heard of their end.
            Pools.killAllSessions(target, driver);
        }
    }
}
