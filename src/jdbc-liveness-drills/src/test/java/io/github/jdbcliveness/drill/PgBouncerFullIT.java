package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * "Only silence makes a host verdict", against a real PgBouncer at {@code max_client_conn} in front of PostgreSQL:
 * HikariCP keeps trying to fill its pool and PgBouncer answers each new client with "no more connections allowed
 * (max_client_conn)", SQLState 08P01, which pgjdbc raises with no cause. That is an answer, not silence: a long
 * query on a connection the pool already holds completes, and the host is never judged down, as under plain
 * HikariCP beside it (each pool behind a PgBouncer of its own, with the same limit). Nothing but B is set.
 */
class PgBouncerFullIT {

    private static final Duration B = Duration.ofSeconds(4);
    /** Clients PgBouncer admits; the pool wants one more, so its refills are refused all along. */
    private static final int MAX_CLIENT_CONN = 2;
    private static final int POOL = MAX_CLIENT_CONN + 1;
    /** Longer than B, so that the watchdog looks at the waiting request and the host is weighed meanwhile. */
    private static final Duration QUERY = B.multipliedBy(2);

    @Test
    void pgBouncerRefusingNewClients_isAnAnswer_aLongQueryCompletes_andTheHostIsNeverJudgedDown() throws Exception {
        Drills.requireTool(PgBouncerProcess.unavailableReason() == null, String.valueOf(
                PgBouncerProcess.unavailableReason()));
        DatabaseTarget target = DatabaseTargets.resolve(DatabaseTarget.Kind.POSTGRESQL);
        try (PgBouncerProcess plainBouncer = PgBouncerProcess.start(target.host(), target.port(), target.username(),
                        MAX_CLIENT_CONN);
                PgBouncerProcess ourBouncer = PgBouncerProcess.start(target.host(), target.port(),
                        target.username(), MAX_CLIENT_CONN);
                HikariDataSource plain = new HikariDataSource(hikari(target, plainBouncer, "pgbouncer-plain"));
                LivenessDataSource ours = LivenessDataSource.create(hikari(target, ourBouncer, "pgbouncer-liveness"),
                        LivenessConfig.builder().detectionBudget(B).build())) {
            HikariDataSource ourPool = ours.unwrap(HikariDataSource.class);
            try (Connection warm = ours.getConnection()) {
                // starts the wrapped pool, which HikariCP then fills up to PgBouncer's limit
            }
            for (HikariDataSource pool : new HikariDataSource[] {plain, ourPool}) {
                Pools.awaitTrue(Duration.ofSeconds(10), () -> pool.getHikariPoolMXBean().getTotalConnections()
                        == MAX_CLIENT_CONN, () -> pool.getPoolName() + ": " + pool.getHikariPoolMXBean()
                        .getTotalConnections() + " connections");
            }
            // The premise: PgBouncer refuses one more client with 08P01 and no cause, as in production.
            for (PgBouncerProcess bouncer : new PgBouncerProcess[] {plainBouncer, ourBouncer}) {
                SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                        bouncer.jdbcUrl(), target.credentials()).close());
                assertEquals("08P01", refused.getSQLState(), refused.toString());
                assertTrue(refused.getMessage().contains("max_client_conn"), refused.getMessage());
                assertNull(refused.getCause(), "pgjdbc raises PgBouncer's refusal with no cause");
            }

            CompletableFuture<Outcome> plainRun = CompletableFuture.supplyAsync(() -> longQuery(plain));
            CompletableFuture<Outcome> ourRun = CompletableFuture.supplyAsync(() -> longQuery(ours));
            Outcome plainOutcome = plainRun.get(QUERY.plusSeconds(30).toSeconds(), TimeUnit.SECONDS);
            Outcome ourOutcome = ourRun.get(QUERY.plusSeconds(30).toSeconds(), TimeUnit.SECONDS);
            System.out.printf(Locale.ROOT, "PgBouncer at max_client_conn (%d), pg_sleep(%d) on a pooled connection, "
                    + "B = %s:%n  %-24s %s%n  %-24s %s; host %s, evictions %s%n", MAX_CLIENT_CONN, QUERY.toSeconds(),
                    B, "HikariCP 7.1 defaults", plainOutcome, "jdbc-liveness", ourOutcome, ours.stats().host(),
                    ours.stats().evictions());

            assertNull(plainOutcome.error(), "plain HikariCP, the baseline: " + plainOutcome);
            assertNull(ourOutcome.error(), "a long query on a healthy connection must complete: " + ourOutcome);
            assertTrue(ourOutcome.took().compareTo(QUERY) >= 0
                    && ourOutcome.took().compareTo(plainOutcome.took().plusSeconds(1)) <= 0,
                    "ours " + ourOutcome + ", plain " + plainOutcome);
            assertEquals(0, ours.stats().host().timesDown(), "never judged down: " + ours.stats().host());
            assertEquals(0L, ours.stats().evictions().getOrDefault(EvictionReason.HOST_DOWN, 0L),
                    ours.stats().evictions().toString());
        }
    }

    private static HikariConfig hikari(DatabaseTarget target, PgBouncerProcess bouncer, String name) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(name);
        c.setJdbcUrl(bouncer.jdbcUrl());
        c.setUsername(target.username());
        c.setPassword(target.password());
        c.setMaximumPoolSize(POOL);
        c.setMinimumIdle(POOL);
        return c;
    }

    record Outcome(Duration took, SQLException error) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s after %.2f s", error == null ? "completed"
                    : "failed (" + error.getSQLState() + ": " + error.getMessage() + ")", took.toNanos() / 1e9);
        }
    }

    private static Outcome longQuery(DataSource ds) {
        long start = System.nanoTime();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(" + QUERY.toSeconds() + ")");
            return new Outcome(Duration.ofNanos(System.nanoTime() - start), null);
        } catch (SQLException e) {
            return new Outcome(Duration.ofNanos(System.nanoTime() - start), e);
        }
    }
}
