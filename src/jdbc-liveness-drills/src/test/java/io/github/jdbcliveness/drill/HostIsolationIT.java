package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One host's trouble never becomes another's. Two pools on two servers: 300 connections to PostgreSQL (more than the 256 probe threads a host may hold, and than
 * the 64 all pools once shared) are blackholed, so their probes and sweeps hang for the probe timeout;
 * beside them a MariaDB pool validates every borrow under traffic. The MariaDB pool sees no probe timeout, no eviction and
 * no failed request, and every blackholed connection is still evicted within B.
 */
class HostIsolationIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int DEAD_POOL = 300;
    private static final int HEALTHY_POOL = 10;
    /** The slowest healthy request allowed: ten times what the drill sees, far below a probe timeout. */
    private static final long HEALTHY_MAX_MS = 250;

    @Test
    void blackholedHostPastItsProbeThreads_neverDelaysAnotherHostsProbesOrValidations() throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget dead = DatabaseTargets.postgres();
        DatabaseTarget healthy = DatabaseTargets.mysql();
        Pools.killAllSessions(dead, "postgresql");
        LivenessConfig config = LivenessConfig.builder().detectionBudget(B).build();
        EvictionRecorder deadEvictions = new EvictionRecorder();
        try (LivenessDataSource deadDs = LivenessDataSource.create(
                        Pools.hikari(dead, "postgresql", "isolation-dead", DEAD_POOL), config);
                LivenessDataSource healthyDs = LivenessDataSource.create(
                        Pools.hikari(healthy, "mariadb", "isolation-healthy", HEALTHY_POOL),
                        LivenessConfig.builder().detectionBudget(B).validateOnBorrow(true).build());
                NftFaults faults = NftFaults.open()) {
            deadDs.addListener(deadEvictions);
            Waits.awaitFull(deadDs.unwrap(HikariDataSource.class), DEAD_POOL);
            Waits.awaitFull(healthyDs.unwrap(HikariDataSource.class), HEALTHY_POOL);

            long fault = System.nanoTime();
            faults.blackhole(dead.port());
            CompletableFuture<Traffic.Result> traffic = CompletableFuture.supplyAsync(() -> {
                try {
                    return Traffic.run(healthyDs, 4, 1500);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<EvictionRecorder.Eviction> evicted = deadEvictions.await(DEAD_POOL, B.plusSeconds(4));
            Traffic.Result result = traffic.get();
            faults.heal();

            long last = evicted.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0);
            LivenessStats healthyStats = healthyDs.stats();
            System.out.printf("isolation: %d of %d blackholed PostgreSQL connections evicted, the last %.2f s after "
                    + "the fault; beside them MariaDB with validate-on-borrow: %s%n  healthy pool: %s%n",
                    evicted.size(), DEAD_POOL, last / 1e9, result, healthyStats);
            assertEquals(0, healthyStats.probeTimeouts(), "the healthy host's probes timed out: " + healthyStats);
            assertEquals(0, healthyStats.evictionsTotal(), "the healthy host lost connections: " + healthyStats);
            assertEquals(0, result.failed(), result.toString());
            // 9-27 ms in the runs so far; a validation queued behind the dead host's probes took 400-800 ms.
            assertTrue(result.max().toMillis() <= HEALTHY_MAX_MS, "a healthy request waited " + result.max().toMillis()
                    + " ms (more than " + HEALTHY_MAX_MS + " ms): its validation queued behind the dead host's probes");
            assertTrue(evicted.size() >= DEAD_POOL, "evicted " + evicted.size() + " of " + DEAD_POOL);
            assertTrue(last <= B.toNanos(), "the last blackholed connection was evicted " + last / 1e9
                    + " s after the fault, budget " + B);
        } finally {
            // The server never heard the aborted connections' FINs while the port was blackholed: end their
            // backends, so later drills count only their own sessions.
            Pools.killAllSessions(dead, "postgresql");
        }
    }
}
