package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connections the server already closed are never handed out: every pooled session is terminated server-side
 * ({@code pg_terminate_backend}, {@code KILL}; a restart, a failover or {@code wait_timeout} look the same), then
 * traffic starts at once on plain HikariCP and on jdbc-liveness side by side, after both pools sat idle for a second. Plain HikariCP pays a round trip per
 * borrow to find out; jdbc-liveness reads it off the socket (the termination message or the FIN is already there)
 * and must do at least as well: no request fails.
 */
class ServerClosedIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final int THREADS = 4;
    private static final int REQUESTS = 40;
    private static final Duration IDLE = Duration.ofSeconds(1);
    private static final Duration PACE = Duration.ofMillis(20);
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final Duration AFTER = Duration.ofSeconds(2);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void everySessionTerminated_thenTrafficAtOnce_noRequestFails_likePlainHikari(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.endAllSessions(target, driver);
        try (HikariDataSource plain = new HikariDataSource(Pools.hikari(target, driver, "closed-plain", POOL));
                LivenessDataSource ours = LivenessDataSource.create(
                        Pools.hikari(target, driver, "closed-liveness", POOL),
                        LivenessConfig.builder().detectionBudget(B).build())) {
            HikariDataSource oursPool = ours.unwrap(HikariDataSource.class);
            Waits.awaitFull(plain, POOL);
            Waits.awaitFull(oursPool, POOL);
            // Scripted: the pools sit idle past HikariCP's 500 ms alive-bypass window, as a pool does between
            // bursts. Within that window HikariCP checks nothing at borrow, and neither pool can see a closed session.
            Pools.parkUntil(System.nanoTime() + IDLE.toNanos());

            Set<Long> killed = Pools.sessionIds(target, driver);
            assertEquals(POOL, plain.getHikariPoolMXBean().getTotalConnections());
            assertEquals(POOL, oursPool.getHikariPoolMXBean().getTotalConnections());
            // At least the pools' 20: a drill's own admin session closed a moment ago may still be listed (MariaDB
            // ends a session asynchronously after COM_QUIT) and is killed too.
            int terminated = Pools.killAllSessions(target, driver);
            assertTrue(terminated >= 2 * POOL, "terminated " + terminated + " sessions");
            // The server ends a session asynchronously: pg_terminate_backend and KILL return before the session has
            // sent its last message and closed. Only then has the server "already closed" it; before, no check
            // without a round trip can know (plain HikariCP's round trip can, and so can our heartbeat). New
            // sessions may appear meanwhile: the heartbeat may already be refilling the pool.
            Pools.awaitTrue(Duration.ofSeconds(5), () -> stillEnding(target, driver, killed) == 0,
                    () -> stillEnding(target, driver, killed) + " sessions still ending on the server");
            CompletableFuture<Traffic.Result> plainRun = CompletableFuture.supplyAsync(() -> run(plain));
            Traffic.Result oursRun = run(ours);
            Traffic.Result plainResult = plainRun.get();

            LivenessStats stats = ours.stats();
            System.out.printf("server closed every session (%s on %s), then %d threads x %d requests at once:%n"
                    + "  HikariCP defaults: %s%n  jdbc-liveness:     %s%n  %s%n", driver, kind, THREADS, REQUESTS,
                    plainResult, oursRun, stats);
            assertEquals(0, oursRun.failed(), "jdbc-liveness handed out a connection the server had closed: "
                    + oursRun);
            assertTrue(oursRun.failed() <= plainResult.failed(), "ours " + oursRun + ", plain " + plainResult);
            assertTrue(stats.evictions().get(EvictionReason.CLOSED_BY_SERVER)
                    + stats.evictions().get(EvictionReason.PROBE_FAILED) >= POOL, stats.toString());
            Pools.awaitIdle(oursPool, POOL, B);
            Pools.awaitTrue(B, () -> ours.stats().knownDeadNow() == 0, () -> ours.stats().toString());
        }
    }

    /**
     * The hot case: steady traffic (a request every 20 ms on each of 4 threads) keeps every connection within HikariCP's
     * 500 ms alive-bypass window, where HikariCP asks nothing at borrow. Every session is ended server-side while the
     * traffic runs; counted from the moment the server has closed them all, no request of ours may fail.
     */
    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void everySessionTerminated_underSteadyTraffic_noRequestStartedAfterwardsFails(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Pools.endAllSessions(target, driver);
        try (HikariDataSource plain = new HikariDataSource(Pools.hikari(target, driver, "hot-plain", POOL));
                LivenessDataSource ours = LivenessDataSource.create(Pools.hikari(target, driver, "hot-liveness", POOL),
                        LivenessConfig.builder().detectionBudget(B).build())) {
            Waits.awaitFull(plain, POOL);
            Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);
            PacedTraffic plainTraffic = PacedTraffic.start(plain, THREADS, PACE);
            PacedTraffic oursTraffic = PacedTraffic.start(ours, THREADS, PACE);
            long fault;
            long pausedFor;
            try {
                Pools.parkUntil(System.nanoTime() + WARM_UP.toNanos());
                // Traffic holds between two requests while the server ends every session, so that no request is
                // mid-flight when its session dies; it resumes as soon as the server has closed them all, well inside
                // HikariCP's 500 ms window for the connections the threads were just using.
                plainTraffic.pause(Duration.ofSeconds(5));
                oursTraffic.pause(Duration.ofSeconds(5));
                long pausedAt = System.nanoTime();
                Set<Long> killed = Pools.sessionIds(target, driver);
                int terminated = Pools.killAllSessions(target, driver);
                assertTrue(terminated >= 2 * POOL, "terminated " + terminated + " sessions");
                Pools.awaitTrue(Duration.ofSeconds(5), () -> stillEnding(target, driver, killed) == 0,
                        () -> stillEnding(target, driver, killed) + " sessions still ending on the server");
                fault = System.nanoTime(); // from here on the server has closed every session the pools held
                pausedFor = fault - pausedAt;
                plainTraffic.resume();
                oursTraffic.resume();
                Pools.parkUntil(fault + AFTER.toNanos());
            } finally {
                plainTraffic.stop();
                oursTraffic.stop();
            }
            PacedTraffic.Tally plainAfter = plainTraffic.startedFrom(fault);
            PacedTraffic.Tally oursAfter = oursTraffic.startedFrom(fault);
            System.out.printf("server closed every session under steady traffic (%s on %s; traffic held %d ms for it),"
                    + " requests started after:%n  HikariCP defaults: %s%n  jdbc-liveness:     %s%n  %s%n", driver,
                    kind, TimeUnit.NANOSECONDS.toMillis(pausedFor), plainAfter, oursAfter, ours.stats());
            assertTrue(oursAfter.ok() >= THREADS * 10, "too little traffic to prove anything: " + oursAfter);
            assertEquals(0, oursAfter.failed(), "a hot pool handed out a connection the server had closed: "
                    + oursAfter);
            assertTrue(oursAfter.failed() <= plainAfter.failed(), "ours " + oursAfter + ", plain " + plainAfter);
        }
    }

    private static long stillEnding(DatabaseTarget target, String driver, Set<Long> killed) {
        try {
            return Pools.sessionIds(target, driver).stream().filter(killed::contains).count();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Traffic.Result run(javax.sql.DataSource ds) {
        try {
            return Traffic.run(ds, THREADS, REQUESTS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
