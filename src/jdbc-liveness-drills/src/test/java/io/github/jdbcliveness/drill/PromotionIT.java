package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A failover by streaming-replication promotion, where the old primary stays up and answers (issue "A pool that
 * follows the primary"): two PostgreSQL 15 servers from Debian's packages, A the primary and B its hot standby
 * ({@code pg_basebackup -R}), behind one pgjdbc multi-host URL with {@code targetServerType=primary}. Under write
 * traffic B is promoted ({@code pg_promote()}) and A is then fenced read-only while it stays up
 * ({@code ALTER SYSTEM SET default_transaction_read_only = on} and {@code pg_reload_conf()}), as the operator
 * did. Plain HikariCP and jdbc-liveness (nothing but B set) side by side: with plain HikariCP every write fails with
 * SQLState 25006 until {@code maxLifetime} retires its connections; jdbc-liveness reads the role A reports, evicts
 * A's connections and refills on B, and no write started after B fails.
 *
 * <p>Replication copies the table, so each write asks the server that took it for its port
 * ({@code inet_server_port()}), and the row keeps it. Times count from the moment the promotion is asked for.
 */
class PromotionIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    private static final Duration REPLICATION_DEADLINE = Duration.ofSeconds(10);
    private static final String PLAIN = "promotion-plain";
    private static final String OURS = "promotion-liveness";

    @Test
    void standbyPromoted_oldPrimaryFencedReadOnlyAndUp_writesMoveToTheNewPrimaryWithinB_plainHikariKeepsFailing()
            throws Exception {
        Drills.requireTool(PostgresProcess.unavailableReason() == null,
                String.valueOf(PostgresProcess.unavailableReason()));
        try (PostgresProcess a = PostgresProcess.primary("a"); PostgresProcess b = a.standby("b")) {
            admin(a, "CREATE TABLE promotion_writes (id bigserial, pool text, port int)");
            // The premise: B is a hot standby streaming from A, and has A's table before the failover.
            Pools.awaitTrue(REPLICATION_DEADLINE, () -> queryLong(a, "SELECT count(*) FROM pg_stat_replication "
                    + "WHERE state = 'streaming'") == 1 && queryLong(b, "SELECT count(*) FROM pg_class "
                    + "WHERE relname = 'promotion_writes'") == 1, () -> "B streaming from A with A's table; logs: "
                    + a.log() + ", " + b.log());
            assertEquals(1, queryLong(b, "SELECT pg_is_in_recovery()::int"), "B is a standby before the failover");

            String url = "jdbc:postgresql://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port()
                    + "/postgres?targetServerType=primary";
            try (HikariDataSource plain = new HikariDataSource(Pools.namedPostgresPool(url, PLAIN, POOL));
                    LivenessDataSource ours = LivenessDataSource.create(Pools.namedPostgresPool(url, OURS, POOL),
                            LivenessConfig.builder().detectionBudget(B).build());
                    Connection promoter = DriverManager.getConnection(b.jdbcUrl("postgresql"), b.credentials());
                    Connection fencer = DriverManager.getConnection(a.jdbcUrl("postgresql"), a.credentials())) {
                Waits.awaitFull(plain, POOL);
                Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);
                assertEquals(POOL, Pools.postgresSessions(a, PLAIN));
                assertEquals(POOL, Pools.postgresSessions(a, OURS));

                WriteTraffic plainWrites = WriteTraffic.start(plain, PLAIN, THREADS, PACE, c -> write(c, PLAIN));
                WriteTraffic ourWrites = WriteTraffic.start(ours, OURS, THREADS, PACE, c -> write(c, OURS));
                Pools.parkUntil(System.nanoTime() + WARM_UP.toNanos());

                long failover = System.nanoTime();
                try (Statement s = promoter.createStatement()) {
                    s.execute("SELECT pg_promote(true, 30)"); // waits until B is out of recovery
                }
                long promoted = System.nanoTime();
                try (Statement s = fencer.createStatement()) {
                    s.execute("ALTER SYSTEM SET default_transaction_read_only = on");
                    s.execute("SELECT pg_reload_conf()");
                }
                long fenced = System.nanoTime();
                Pools.parkUntil(failover + B.toNanos());
                int plainLeftOnA = Pools.postgresSessions(a, PLAIN);
                int oursLeftOnA = Pools.postgresSessions(a, OURS);
                Pools.parkUntil(failover + 2 * B.toNanos());
                plainWrites.stop();
                ourWrites.stop();

                WriteTraffic.Result p = plainWrites.result(failover, B, b.port());
                WriteTraffic.Result o = ourWrites.result(failover, B, b.port());
                // What the database's fencing decides, not a pool: writes A took that B never received (those in
                // the window between the promotion and the fence, and any not yet streamed when B was promoted).
                long lostOnB = queryLong(a, "SELECT count(*) FROM promotion_writes WHERE port = " + a.port())
                        - queryLong(b, "SELECT count(*) FROM promotion_writes WHERE port = " + a.port());
                System.out.printf(Locale.ROOT, "Promotion drill (PostgreSQL %s streaming replication, pgjdbc "
                        + "targetServerType=primary, B = %.2f s): pg_promote() took %d ms, the old primary was "
                        + "read-only %d ms after the failover began, still up%n", queryString(a, "SHOW server_version"),
                        B.toMillis() / 1000.0, millis(promoted - failover), millis(fenced - failover));
                System.out.printf(Locale.ROOT, "  %-20s %s; sessions left on the old primary at B: %d%n",
                        "HikariCP defaults", p, plainLeftOnA);
                System.out.printf(Locale.ROOT, "  %-20s %s; sessions left on the old primary at B: %d; %s%n",
                        "jdbc-liveness", o, oursLeftOnA, ours.stats().evictions());
                System.out.printf(Locale.ROOT, "  writes the old primary took that the new primary never received "
                        + "(split brain until the fence, replication lag): %d%n", lostOnB);

                assertEquals(0, queryLong(b, "SELECT pg_is_in_recovery()::int"), "B promoted");
                assertEquals(0, o.failedAfterB(), "jdbc-liveness writes started after B that failed: " + o);
                assertTrue(o.lastFailureSeconds() <= B.toMillis() / 1000.0,
                        "jdbc-liveness writes failed for longer than B after the failover: " + o);
                assertEquals(0, oursLeftOnA, "jdbc-liveness sessions on the old primary at B");
                assertTrue(o.onNewPrimary() > 0, "jdbc-liveness writes reached the new primary: " + o);
                assertEquals(POOL, ours.stats().evictions().get(EvictionReason.WRONG_ROLE).intValue(),
                        "every connection evicted for the wrong role: " + ours.stats());
                // The drill proves something only if plain HikariCP, beside it, stays on the old primary.
                assertTrue(p.failedAfterB() > 0 && plainLeftOnA > 0,
                        "plain HikariCP stayed on the old primary: " + p + "; sessions there at B: " + plainLeftOnA);
                assertTrue(o.failed() <= p.failed(), "no more failed writes than plain HikariCP: " + o + " vs " + p);
            }
        }
    }

    /** One row, which keeps the port of the server that took it; returns that port. */
    private static int write(Connection c, String pool) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO promotion_writes (pool, port) VALUES (?, inet_server_port()) RETURNING port")) {
            s.setString(1, pool);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static void admin(PostgresProcess server, String sql) throws SQLException {
        Pools.admin(server, "postgresql", sql);
    }

    private static String queryString(PostgresProcess server, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgresql"), server.credentials());
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long queryLong(PostgresProcess server, String sql) {
        try {
            return Long.parseLong(queryString(server, sql));
        } catch (SQLException e) {
            throw new IllegalStateException(server.name() + ": " + sql, e);
        }
    }
}
