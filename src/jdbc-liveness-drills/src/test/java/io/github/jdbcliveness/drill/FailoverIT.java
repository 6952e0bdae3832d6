package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A failover where the old primary stays up and answers: two PostgreSQL servers behind one pgjdbc multi-host URL
 * with {@code targetServerType=primary}. Server A is the primary, B read-only; under write traffic B becomes
 * writable and A read-only ({@code default_transaction_read_only}, as a fenced old primary is), and pgjdbc's next
 * new connection lands on B. Plain HikariCP and jdbc-liveness (nothing but B set) side by side: with plain HikariCP
 * every write fails with SQLState 25006 until {@code maxLifetime} retires its connections; jdbc-liveness's probes
 * read the server's reported role, evict A's connections and refill on B, and no write started after B fails.
 *
 * <p>No replication here: each server has its own table, and the drill asks each write which server took it. What
 * a streaming-replication promotion adds (an old primary turned hot standby reports {@code in_hot_standby = on}) the
 * same check reads.
 */
class FailoverIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    @Test
    void oldPrimaryStaysUpReadOnly_writesMoveToTheNewPrimaryWithinB_plainHikariKeepsFailing() throws Exception {
        try (EmbeddedPostgresTarget a = EmbeddedPostgresTarget.start();
                EmbeddedPostgresTarget b = EmbeddedPostgresTarget.start()) {
            for (EmbeddedPostgresTarget s : List.of(a, b)) {
                admin(s, "CREATE TABLE IF NOT EXISTS failover_writes (id bigserial, pool text)");
            }
            setReadOnly(b, true);
            String url = "jdbc:postgresql://127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port()
                    + "/postgres?targetServerType=primary";
            try (HikariDataSource plain = new HikariDataSource(hikari(url, "failover-plain"));
                    LivenessDataSource ours = LivenessDataSource.create(hikari(url, "failover-liveness"),
                            LivenessConfig.builder().detectionBudget(B).build())) {
                Waits.awaitFull(plain, POOL);
                Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);
                assertEquals(POOL, sessions(a, "failover-plain"));
                assertEquals(POOL, sessions(a, "failover-liveness"));

                WriteTraffic plainWrites = WriteTraffic.start(plain, "failover-plain", THREADS, PACE, FailoverIT::write);
                WriteTraffic ourWrites = WriteTraffic.start(ours, "failover-liveness", THREADS, PACE,
                        FailoverIT::write);
                Pools.parkUntil(System.nanoTime() + WARM_UP.toNanos());

                long failover = System.nanoTime();
                setReadOnly(b, false); // the promotion
                setReadOnly(a, true); // the old primary fenced, still up
                Pools.parkUntil(failover + B.toNanos());
                int plainLeftOnA = sessions(a, "failover-plain");
                int oursLeftOnA = sessions(a, "failover-liveness");
                Pools.parkUntil(failover + 2 * B.toNanos());
                plainWrites.stop();
                ourWrites.stop();

                WriteTraffic.Result p = plainWrites.result(failover, B, b.port());
                WriteTraffic.Result o = ourWrites.result(failover, B, b.port());
                System.out.printf(Locale.ROOT, "Failover drill (PostgreSQL 14, pgjdbc targetServerType=primary, "
                        + "B = %.2f s): old primary read-only, still up%n", B.toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "  %-20s %s; sessions left on the old primary at B: %d%n",
                        "HikariCP defaults", p, plainLeftOnA);
                System.out.printf(Locale.ROOT, "  %-20s %s; sessions left on the old primary at B: %d; %s%n",
                        "jdbc-liveness", o, oursLeftOnA, ours.stats().evictions());

                assertEquals(0, o.failedAfterB(), "jdbc-liveness writes started after B that failed: " + o);
                assertEquals(0, oursLeftOnA, "jdbc-liveness sessions on the old primary at B");
                assertTrue(o.onNewPrimary() > 0, "jdbc-liveness writes reached the new primary: " + o);
                assertTrue(ours.stats().evictions().get(EvictionReason.WRONG_ROLE) >= POOL - THREADS,
                        "evicted for the wrong role: " + ours.stats());
                // Never worse than plain HikariCP, which keeps its sessions on the old primary.
                assertTrue(p.failedAfterB() > 0 && plainLeftOnA > 0,
                        "plain HikariCP stayed on the old primary: " + p);
                assertTrue(o.failed() <= p.failed(), "no more failed writes than plain HikariCP: " + o + " vs " + p);
            }
        }
    }

    /** One row, and the port of the server that took it. */
    private static int write(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO failover_writes (pool) VALUES ('w') RETURNING inet_server_port()");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static HikariConfig hikari(String url, String name) {
        HikariConfig c = Pools.fixedPool(url, name, "postgres", null, POOL);
        c.addDataSourceProperty("ApplicationName", name);
        return c;
    }

    private static void admin(EmbeddedPostgresTarget server, String sql) throws SQLException {
        Pools.admin(server, "postgresql", sql);
    }

    private static void setReadOnly(EmbeddedPostgresTarget server, boolean on) throws SQLException {
        admin(server, "ALTER SYSTEM SET default_transaction_read_only = " + (on ? "on" : "off"));
        admin(server, "SELECT pg_reload_conf()");
    }

    /** The pool's sessions on {@code server}, from the server's own view. */
    private static int sessions(EmbeddedPostgresTarget server, String pool) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgresql"), server.credentials());
                PreparedStatement s = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            s.setString(1, pool);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
