package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.ServerRole;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failover behind a virtual IP, on the MySQL protocol: two MariaDB servers, the pool's URL on a relay that stands
 * for the VIP. Server A is the primary, B {@code read_only}; under write traffic B becomes writable, the relay sends
 * new connections to B, and A turns {@code read_only} and stays up, holding the connections it had (as a VIP or a
 * proxy leaves them). Plain HikariCP and jdbc-liveness with {@code requiredRole(PRIMARY)} (the MySQL drivers have no
 * setting of their own that names a role) and B = 6 s, side by side: the probe asks {@code @@global.read_only}
 * instead of its ping, evicts A's connections, and the refill lands on B.
 */
class MariaDbFailoverIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    // MariaDB Connector/J only: Connector/J's probe asks the same statement, and two more embedded servers and 12 s
    // of traffic would cost CI's budget a minute (RoleCheckTest covers that both MySQL drivers ask by query).
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mariadb"})
    void oldPrimaryStaysUpReadOnly_behindAVip_writesMoveWithinB_plainHikariKeepsFailing(String driver)
            throws Exception {
        try (EmbeddedMariaDbTarget a = EmbeddedMariaDbTarget.start();
                EmbeddedMariaDbTarget b = EmbeddedMariaDbTarget.start();
                TcpRelay vip = TcpRelay.start(a.host(), a.port())) {
            for (EmbeddedMariaDbTarget s : List.of(a, b)) {
                // An application user: read_only binds it (the drill user may bypass read_only, as an admin can).
                admin(s, "CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app'");
                admin(s, "GRANT ALL ON test.* TO 'app'@'%'");
                admin(s, "CREATE TABLE IF NOT EXISTS test.failover_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "pool VARCHAR(40))");
            }
            admin(b, "SET GLOBAL read_only = ON");
            String url = vip.rewrite(a.jdbcUrl(driver));
            try (HikariDataSource plain = new HikariDataSource(hikari(url, driver + "-failover-plain"));
                    LivenessDataSource ours = LivenessDataSource.create(hikari(url, driver + "-failover-liveness"),
                            LivenessConfig.builder().detectionBudget(B).requiredRole(ServerRole.PRIMARY).build())) {
                Waits.awaitFull(plain, POOL);
                Waits.awaitFull(ours.unwrap(HikariDataSource.class), POOL);

                WriteTraffic plainWrites = WriteTraffic.start(plain, "plain", THREADS, PACE, MariaDbFailoverIT::write);
                WriteTraffic ourWrites = WriteTraffic.start(ours, "liveness", THREADS, PACE, MariaDbFailoverIT::write);
                Pools.parkUntil(System.nanoTime() + WARM_UP.toNanos());

                long failover = System.nanoTime();
                admin(b, "SET GLOBAL read_only = OFF"); // the promotion
                vip.retarget(b.host(), b.port()); // the VIP moves
                admin(a, "SET GLOBAL read_only = ON"); // the old primary fenced, still up
                Pools.parkUntil(failover + B.toNanos());
                int onAatB = appSessions(a);
                Pools.parkUntil(failover + 2 * B.toNanos());
                plainWrites.stop();
                ourWrites.stop();
                int leftOnA = appSessions(a);

                WriteTraffic.Result p = plainWrites.result(failover, B, b.port());
                WriteTraffic.Result o = ourWrites.result(failover, B, b.port());
                System.out.printf(Locale.ROOT, "MariaDB failover drill (%s, a relay as the VIP, B = %.2f s): old "
                        + "primary read_only, still up%n", driver, B.toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "  %-20s %s%n", "HikariCP defaults", p);
                System.out.printf(Locale.ROOT, "  %-20s %s; %s%n", "jdbc-liveness", o, ours.stats().evictions());
                System.out.printf(Locale.ROOT, "  app sessions on the old primary: %d at B, %d at 2B (plain HikariCP's "
                        + "10 among them)%n", onAatB, leftOnA);

                assertEquals(0, o.failedAfterB(), "jdbc-liveness writes started after B that failed: " + o);
                assertTrue(o.onNewPrimary() > 0, "jdbc-liveness writes reached the new primary: " + o);
                // Probes (WRONG_ROLE) and refused writes (evicted by HikariCP on their return) share the work.
                assertEquals(POOL, onAatB, "at B only plain HikariCP's sessions are left on the old primary");
                assertEquals(POOL, leftOnA, "and at 2B");
                assertTrue(p.failedAfterB() > 0, "plain HikariCP stayed on the old primary: " + p);
                assertTrue(o.failed() <= p.failed(), "no more failed writes than plain HikariCP: " + o + " vs " + p);
            }
        }
    }

    /** One row, and the port of the server that took it. */
    private static int write(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO failover_writes (pool) VALUES ('w')");
            try (ResultSet rs = s.executeQuery("SELECT @@port")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static HikariConfig hikari(String url, String name) {
        return Pools.fixedPool(url, name, "app", "app", POOL);
    }

    private static void admin(EmbeddedMariaDbTarget server, String sql) throws SQLException {
        Pools.admin(server, "mariadb", sql);
    }

    /** The application user's sessions on {@code server}, from the server's own view. */
    private static int appSessions(EmbeddedMariaDbTarget server) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("mariadb"), server.credentials());
                PreparedStatement s = c.prepareStatement(
                        "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'app'")) {
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
