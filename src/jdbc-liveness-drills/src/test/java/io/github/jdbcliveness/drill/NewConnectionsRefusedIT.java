package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * New connections get no answer while the open ones work: the server's listen queue is full, or a firewall or a
 * conntrack table admits no new flow (a kernel rule drops only the client's SYNs). A long query runs on one of the
 * pool's connections and the other is held by the application, so nothing is idle to probe. The host verdict judges
 * the host down, as it must (no new connection can be had), but the query's own flow works: it must end as it would
 * under plain HikariCP, with its result, not be aborted as "waiting on a host that is down". Found by the simulation
 * (issue 21, invariant 4, seed 24); plain HikariCP side by side. And the evidence that still ends a request on a
 * server that hangs behind the same fault.
 */
class NewConnectionsRefusedIT {

    private static final Duration B = Duration.ofSeconds(6);
    /** Longer than B: a query that outlives the verdict by seconds. */
    private static final double QUERY_SECONDS = 8;

    @Test
    void onlyNewConnectionsDropped_aLongQueryOnAnOpenConnectionEndsWithItsResult_asUnderPlainHikari()
            throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.resolve(DatabaseTarget.Kind.POSTGRESQL);
        Pools.endAllSessions(target, "postgresql");
        try (HikariDataSource plain = new HikariDataSource(Pools.hikari(target, "postgresql", "syn-plain", 2));
                LivenessDataSource ours = LivenessDataSource.create(
                        Pools.hikari(target, "postgresql", "syn-liveness", 2),
                        LivenessConfig.builder().detectionBudget(B).build());
                NftFaults faults = NftFaults.open()) {
            Pools.awaitIdle(plain, 2, Duration.ofSeconds(10));
            Pools.awaitIdle(ours.unwrap(HikariDataSource.class), 2, Duration.ofSeconds(10));
            try (Connection plainHeld = plain.getConnection(); Connection oursHeld = ours.getConnection()) {
                CompletableFuture<String> plainQuery = CompletableFuture.supplyAsync(() -> longQuery(plain));
                CompletableFuture<String> ourQuery = CompletableFuture.supplyAsync(() -> longQuery(ours));
                Pools.awaitTrue(Duration.ofSeconds(5), () -> activeQueries(target) == 2,
                        () -> activeQueries(target) + " of the 2 long queries running");
                faults.dropNewConnections(target.port());
                long fault = System.nanoTime();
                String plainOutcome = plainQuery.get(30, TimeUnit.SECONDS);
                String ourOutcome = ourQuery.get(30, TimeUnit.SECONDS);
                double ended = (System.nanoTime() - fault) / 1e9;
                System.out.printf(Locale.ROOT, "New connections dropped (SYNs only), B = %.0f s, a %.0f s query on "
                        + "an open connection: plain HikariCP %s; jdbc-liveness %s (%.2f s after the fault); verdict "
                        + "%s; evictions %s%n", B.toSeconds() * 1.0, QUERY_SECONDS, plainOutcome, ourOutcome, ended,
                        ours.stats().host(), ours.stats().evictions());
                assertEquals("ok", plainOutcome, "plain HikariCP's query");
                assertTrue(ours.stats().host().timesDown() >= 1, "the drill's premise: new connections got no answer "
                        + "and the host was judged down: " + ours.stats().host());
                assertEquals("ok", ourOutcome, "a healthy query on a working flow is not aborted by the verdict");
                assertEquals(0, ours.stats().evictions().get(EvictionReason.HOST_DOWN), "HOST_DOWN evictions");
            }
        } finally {
            Pools.endAllSessions(target, "postgresql");
        }
    }

    /**
     * The other side of the same evidence: a proxy that hangs (the relay stopped with SIGSTOP; its kernel still
     * acknowledges) while new connections to it are dropped as above. The idle connection's probe times out on a flow
     * whose bytes the kernel acknowledged: the server side is silent, not the path, so the query waiting on the other
     * connection is aborted at the verdict, within B, as for any hung server.
     */
    @Test
    void hungProxy_newConnectionsDropped_aProbeOnAnAcknowledgedFlowFindsItSilent_theWaitingQueryEndsWithinB()
            throws Exception {
        Drills.requireKernelFaults();
        Drills.requireTool(NftFaults.isRoot(), "SIGSTOP of the relay needs root or the same user");
        DatabaseTarget target = DatabaseTargets.postgres();
        Pools.endAllSessions(target, "postgresql");
        try (RelayProcess relay = RelayProcess.start(List.of(), "127.0.0.1", "127.0.0.1", target.port());
                NftFaults faults = NftFaults.open()) {
            com.zaxxer.hikari.HikariConfig config = Pools.hikari(target, "postgresql", "syn-hung-proxy", 2);
            config.setJdbcUrl(target.jdbcUrl("postgresql")
                    .replace(":" + target.port() + "/", ":" + relay.port() + "/"));
            try (LivenessDataSource ours = LivenessDataSource.create(config,
                    LivenessConfig.builder().detectionBudget(B).build())) {
                Pools.awaitIdle(ours.unwrap(HikariDataSource.class), 2, Duration.ofSeconds(10));
                CompletableFuture<String> query = CompletableFuture.supplyAsync(() -> longQuery(ours));
                Pools.awaitTrue(Duration.ofSeconds(5), () -> activeQueries(target) == 1,
                        () -> activeQueries(target) + " of the 1 long query running");
                ServerProcesses.signal("STOP", List.of(relay.pid()));
                faults.dropNewConnections(relay.port());
                long fault = System.nanoTime();
                String outcome;
                long ended;
                try {
                    outcome = query.get(30, TimeUnit.SECONDS);
                    ended = System.nanoTime() - fault;
                } finally {
                    ServerProcesses.signal("CONT", List.of(relay.pid()));
                    faults.heal();
                }
                System.out.printf(Locale.ROOT, "Hung proxy with new connections dropped, B = %.0f s: the waiting "
                        + "query %s %.2f s after the fault; verdict %s; evictions %s%n", B.toSeconds() * 1.0, outcome,
                        ended / 1e9, ours.stats().host(), ours.stats().evictions());
                assertTrue(outcome.startsWith("failed"), "the query on the hung proxy ended with an error: " + outcome);
                assertTrue(ended <= B.toNanos(), "ended " + ended / 1e9 + " s after the fault; B is " + B);
                assertTrue(ours.stats().evictions().get(EvictionReason.HOST_DOWN) >= 1, "aborted by the verdict: "
                        + ours.stats().evictions());
            }
        } finally {
            Pools.endAllSessions(target, "postgresql");
        }
    }

    /** "ok" when the query returned, else its failure. */
    private static String longQuery(DataSource ds) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(" + QUERY_SECONDS + ")");
            return "ok";
        } catch (SQLException e) {
            return "failed: " + e.getSQLState() + " " + e.getMessage();
        }
    }

    private static int activeQueries(DatabaseTarget target) {
        try (Connection c = java.sql.DriverManager.getConnection(target.jdbcUrl("postgresql"), target.credentials());
                Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE "
                        + "'SELECT pg_sleep(%' AND state = 'active' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
