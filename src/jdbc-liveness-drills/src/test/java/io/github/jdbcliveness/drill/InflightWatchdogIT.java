package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.LivenessStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The watchdog on leased connections (B = 6 s). D8: a request sent into a path that is already dead fails within B
 * instead of hanging for the kernel's ~15 min of retransmissions. D9: a long query on a healthy path (3 × B) runs to
 * completion: its request was acknowledged, so the watchdog leaves it alone.
 */
class InflightWatchdogIT {

    private static final Duration B = Duration.ofSeconds(6);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void requestSentIntoADeadPath_failsWithinBudget(DatabaseTarget.Kind kind, String driver) throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.killAllSessions(target, driver);
        ProbePasses passes = new ProbePasses();
        // A long heartbeat, so the connection is leased before any probe can notice the dead path; a 1 s
        // connectTimeout keeps the host verdict's worst case within B (3.5 + 0.5 + 1 + 0.5 + 0.5 s), as build() demands.
        LivenessConfig config = LivenessConfig.builder().detectionBudget(B).heartbeatInterval(Duration.ofMillis(3500))
                .connectTimeout(Duration.ofSeconds(1)).build();
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, driver, "d8-" + driver, 1), config);
                NftFaults faults = NftFaults.open()) {
            ds.addListener(passes);
            int clientPort;
            try (Connection c = ds.getConnection()) {
                clientPort = ServerSql.of(kind).clientPort(c);
            }
            passes.awaitNext(Duration.ofSeconds(10)); // the next probe is a whole interval away now
            faults.dropFlows(target.port(), java.util.List.of(clientPort));
            long fault = System.nanoTime();
            CompletableFuture<Long> request = CompletableFuture.supplyAsync(() -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                    return -1L;
                } catch (SQLException e) {
                    return System.nanoTime();
                }
            });
            long failedAt = request.get(B.toSeconds() + 10, TimeUnit.SECONDS);
            LivenessStats stats = ds.stats();
            System.out.printf("D8 %s on %s: the request failed %.2f s after it went into the dead path; %s%n", driver,
                    kind, (failedAt - fault) / 1e9, stats.watchdog());
            assertTrue(failedAt > 0, "the request succeeded on a blackholed flow?");
            assertTrue(failedAt - fault <= B.toNanos(), "failed " + (failedAt - fault) / 1e9 + " s after the fault");
            assertEquals(1L, stats.evictions().get(EvictionReason.UNACKNOWLEDGED_DATA), stats.toString());
        } finally {
            Pools.killAllSessions(target, driver);
        }
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void longQueryOnAHealthyPath_runsToCompletion(DatabaseTarget.Kind kind, String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, driver, "d9-" + driver, 2),
                LivenessConfig.builder().detectionBudget(B).build())) {
            long start = System.nanoTime();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute(ServerSql.of(kind).sleep((int) (3 * B.toSeconds())));
            }
            LivenessStats stats = ds.stats();
            System.out.printf("D9 %s on %s: %ds query completed after %.2f s; %s%n", driver, kind, 3 * B.toSeconds(),
                    (System.nanoTime() - start) / 1e9, stats.watchdog());
            assertEquals(0, stats.evictionsTotal(), stats.toString());
            assertTrue(stats.watchdog().procReads() > 0, "the watchdog looked at the long lease: " + stats);
        }
    }

    /** Lets a test wait for the next probe that passes. */
    private static final class ProbePasses implements LivenessListener {
        private final Semaphore passed = new Semaphore(0);

        @Override
        public void onProbePassed(ConnectionRef connection, Duration took) {
            passed.release();
        }

        void awaitNext(Duration deadline) throws InterruptedException {
            passed.drainPermits();
            assertTrue(passed.tryAcquire(deadline.toMillis(), TimeUnit.MILLISECONDS), "no probe passed within "
                    + deadline);
        }
    }
}
