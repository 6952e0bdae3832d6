package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import com.zaxxer.hikari.HikariConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A hung server with a query in flight: the whole PostgreSQL server (postmaster and every backend) is stopped with
 * SIGSTOP while a request waits for its answer. Its kernel still ACKs, so neither keepalive nor the watchdog's kernel
 * evidence can see it. The host verdict can: a new connection gets no answer. The request must fail within B, a
 * borrower must fail at once instead of waiting {@code connectionTimeout}, and the pool must be full again within B of
 * SIGCONT. A long query on a healthy server, with no idle connection to probe, completes untouched.
 */
class HungServerInFlightIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void wholeServerStopped_queryInFlightFailsWithinB_borrowersFailAtOnce_andThePoolRefillsAfterTheHeal(
            DatabaseTarget.Kind kind, String driver) throws Exception {
        Drills.requireTool(NftFaults.isRoot(), "SIGSTOP of the database server needs root or the same user");
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        Drills.requireTool(target.origin().equals("embedded"), "SIGSTOP needs a server on this machine");
        Pools.endAllSessions(target, driver);
        stopped(kind + " via " + driver, () -> serverProcesses(target),
                () -> Pools.hikari(target, driver, "hung-server-" + driver, POOL), ServerSql.of(kind).sleep(3));
    }

    @Test
    void hungProxy_relayStoppedMidRequest_queryFailsWithinB_althoughEveryKernelAcks() throws Exception {
        DatabaseTarget target = DatabaseTargets.postgres();
        Pools.endAllSessions(target, "postgresql");
        try (RelayProcess relay = RelayProcess.start(List.of(), "127.0.0.1", "127.0.0.1", target.port())) {
            stopped("a relay (hung proxy) to PostgreSQL", () -> List.of(relay.pid()), () -> {
                HikariConfig c = Pools.hikari(target, "postgresql", "hung-proxy", POOL);
                c.setJdbcUrl(target.jdbcUrl("postgresql").replace(":" + target.port() + "/", ":" + relay.port() + "/"));
                return c;
            }, ServerSql.of(DatabaseTarget.Kind.POSTGRESQL).sleep(3));
        }
    }

    /**
     * A pool of ten, one request in flight; {@code processes} stopped half a second into it, continued once the
     * request failed and a borrow during the hang was tried.
     */
    private static void stopped(String what, java.util.concurrent.Callable<List<Long>> toStop,
            java.util.function.Supplier<HikariConfig> config, String sleep3) throws Exception {
        EvictionRecorder recorder = new EvictionRecorder();
        CountDownLatch up = new CountDownLatch(1);
        try (LivenessDataSource ds = LivenessDataSource.create(config.get(),
                LivenessConfig.builder().detectionBudget(B).build())) {
            ds.addListener(recorder);
            ds.addListener(new LivenessListener() {
                @Override
                public void onHostUp(String host, Duration downFor, long atNanos) {
                    up.countDown();
                }
            });
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));
            List<Long> processes = toStop.call();

            CompletableFuture<Long> inFlight = CompletableFuture.supplyAsync(() -> {
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute(sleep3); // answers after 3 s, unless the server hangs meanwhile
                    return -1L;
                } catch (SQLException e) {
                    return System.nanoTime();
                }
            });
            Waits.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)); // scripted: the query is sent
            long fault = System.nanoTime();
            ServerProcesses.signal("STOP", processes);
            long failedAt;
            long borrowTook;
            String borrowError;
            try {
                failedAt = inFlight.get(B.toSeconds() + 4, TimeUnit.SECONDS);
                long borrow = System.nanoTime();
                try (Connection c = ds.getConnection()) {
                    borrowError = "handed out " + c + " while the server was stopped";
                } catch (SQLTransientConnectionException e) {
                    borrowError = e.getMessage();
                }
                borrowTook = System.nanoTime() - borrow;
            } finally {
                ServerProcesses.signal("CONT", processes);
            }
            long healed = System.nanoTime();
            System.out.printf("hung server (%s): the query in flight failed %.2f s after SIGSTOP; a borrow during the "
                    + "hang failed after %d ms: %s%n  %s%n", what, (failedAt - fault) / 1e9, borrowTook / 1_000_000,
                    borrowError, ds.stats().host());
            assertTrue(failedAt > 0, "the query completed although the server was stopped");
            assertTrue(failedAt - fault <= B.toNanos(), "failed " + (failedAt - fault) / 1e9 + " s after SIGSTOP");
            assertTrue(recorder.evictions().stream().anyMatch(e -> e.reason() == EvictionReason.HOST_DOWN),
                    recorder.evictions().toString());
            assertTrue(borrowError.contains("judged down"), borrowError);
            assertTrue(borrowTook < TimeUnit.SECONDS.toNanos(1), "a borrow waited " + borrowTook / 1e9 + " s");
            assertEquals(1, ds.stats().host().timesDown());

            assertTrue(up.await(B.toSeconds(), TimeUnit.SECONDS), "the host was not re-admitted within B");
            Pools.awaitIdle(pool, POOL, B);
            System.out.printf("hung server (%s): re-admitted and the pool full %.2f s after SIGCONT%n", what,
                    (System.nanoTime() - healed) / 1e9);
            assertFalse(ds.stats().host().down());
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
        }
    }

    @Test
    void longQueryOnAHealthyServer_withNoIdleConnectionToProbe_completesUntouched() throws Exception {
        DatabaseTarget target = DatabaseTargets.postgres();
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, "postgresql", "long-query", 1),
                LivenessConfig.builder().detectionBudget(B).build())) {
            long start = System.nanoTime();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(8)");
            }
            System.out.printf("long query, pool of 1: pg_sleep(8) took %.2f s; %s%n", (System.nanoTime() - start) / 1e9,
                    ds.stats().host());
            assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
            assertTrue(ds.stats().host().checks() >= 1, "the host was never checked while the query waited: "
                    + ds.stats().host());
            assertFalse(ds.stats().host().down());
        }
    }

    /**
     * All of the server, as the drill kit finds it ({@link ServerProcesses}): for PostgreSQL the postmaster and every
     * process it started (backends, checkpointer, ...); for MariaDB its one server process.
     */
    private static List<Long> serverProcesses(DatabaseTarget target) throws Exception {
        ServerProcesses.Result found;
        try (Connection admin = java.sql.DriverManager.getConnection(
                target.jdbcUrl(target.kind() == DatabaseTarget.Kind.POSTGRESQL ? "postgresql" : "mariadb"),
                target.credentials())) {
            found = ServerProcesses.find(target, admin);
        }
        assertTrue(found.found(), "the server's processes: " + found.unavailableReason());
        if (target.kind() == DatabaseTarget.Kind.MYSQL) {
            assertEquals(1, found.pids().size(), "the embedded MariaDB server process: " + found.pids());
        } else {
            assertNotNull(ProcessHandle.of(found.pids().get(0)).orElse(null), "the postmaster");
        }
        return found.pids();
    }
}
