package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A failover behind a virtual IP, on the MySQL protocol: two MariaDB servers, the pools' URLs on a relay that stands
 * for the VIP. Server A is the primary, B {@code read_only}; under write traffic B becomes writable, the relay sends
 * new connections to B, and A turns {@code read_only} and stays up, holding the connections it had (as a VIP or a
 * proxy leaves them). Plain HikariCP (MariaDB Connector/J) and jdbc-liveness with {@code requiredRole(PRIMARY)} (the
 * MySQL drivers have no setting of their own that names a role) on MariaDB Connector/J and on MySQL Connector/J, B =
 * 6 s, side by side in one run: the probe asks {@code @@global.read_only} instead of its ping and evicts A's
 * connections, a write A refuses as read-only evicts its connection too (HikariCP's eviction, counted as
 * {@code WRONG_ROLE}, which sweeps A's idle ones), and the refill lands on B.
 */
class MariaDbFailoverIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static final int THREADS = 4;
    private static final Duration PACE = Duration.ofMillis(10);
    private static final Duration WARM_UP = Duration.ofSeconds(1);
    /** The liveness pools, each on its own driver and as its own user, so the servers count their sessions apart. */
    private static final List<String> DRIVERS = List.of("mariadb", "mysql");
    private static final String PLAIN_USER = "app_plain";

    // Both MySQL-protocol drivers in one run, on the same two servers, relay and traffic window: a run per driver would
    // cost CI two more embedded servers and 12 s of traffic.
    @Test
    void oldPrimaryStaysUpReadOnly_behindAVip_writesMoveWithinB_onBothDrivers_plainHikariKeepsFailing()
            throws Exception {
        try (EmbeddedMariaDbTarget a = EmbeddedMariaDbTarget.start();
                EmbeddedMariaDbTarget b = EmbeddedMariaDbTarget.start();
                TcpRelay vip = TcpRelay.start(a.host(), a.port())) {
            for (EmbeddedMariaDbTarget s : List.of(a, b)) {
                admin(s, "CREATE TABLE IF NOT EXISTS test.failover_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "pool VARCHAR(40))");
                for (String user : users()) {
                    // Application users: read_only binds them (the drill user may bypass read_only, as an admin can).
                    admin(s, "CREATE USER IF NOT EXISTS '" + user + "'@'%' IDENTIFIED BY 'app'");
                    admin(s, "GRANT ALL ON test.* TO '" + user + "'@'%'");
                }
            }
            admin(b, "SET GLOBAL read_only = ON");
            List<Liveness> ours = new ArrayList<>();
            try (HikariDataSource plain = new HikariDataSource(Pools.fixedPool(vip.rewrite(a.jdbcUrl("mariadb")),
                    "mariadb-failover-plain", PLAIN_USER, "app", POOL))) {
                for (String driver : DRIVERS) {
                    ours.add(new Liveness(driver, LivenessDataSource.create(Pools.fixedPool(
                            vip.rewrite(a.jdbcUrl(driver)), driver + "-failover-liveness", user(driver), "app", POOL),
                            LivenessConfig.builder().detectionBudget(B).requiredRole(ServerRole.PRIMARY).build())));
                }
                Waits.awaitFull(plain, POOL);
                for (Liveness l : ours) {
                    Waits.awaitFull(l.ds.unwrap(HikariDataSource.class), POOL);
                }

                WriteTraffic plainWrites = WriteTraffic.start(plain, "plain", THREADS, PACE, MariaDbFailoverIT::write);
                for (Liveness l : ours) {
                    l.writes = WriteTraffic.start(l.ds, l.driver + "-liveness", THREADS, PACE, l::write);
                }
                Pools.parkUntil(System.nanoTime() + WARM_UP.toNanos());

                long failover = System.nanoTime();
                admin(b, "SET GLOBAL read_only = OFF"); // the promotion
                vip.retarget(b.host(), b.port()); // the VIP moves
                admin(a, "SET GLOBAL read_only = ON"); // the old primary fenced, still up
                Pools.parkUntil(failover + B.toNanos());
                Map<String, Integer> onAatB = appSessions(a);
                Pools.parkUntil(failover + 2 * B.toNanos());
                plainWrites.stop();
                for (Liveness l : ours) {
                    l.writes.stop();
                }
                Map<String, Integer> onAat2B = appSessions(a);

                WriteTraffic.Result p = plainWrites.result(failover, B, b.port());
                System.out.printf(Locale.ROOT, "MariaDB failover drill (a relay as the VIP, B = %.2f s): old primary "
                        + "read_only, still up%n", B.toMillis() / 1000.0);
                System.out.printf(Locale.ROOT, "  %-32s %s; sessions on the old primary: %d at B, %d at 2B%n",
                        "HikariCP defaults (MariaDB C/J)", p, onAatB.get(PLAIN_USER), onAat2B.get(PLAIN_USER));
                for (Liveness l : ours) {
                    l.result = l.writes.result(failover, B, b.port());
                    System.out.printf(Locale.ROOT, "  %-32s %s; %d refused as read-only (HikariCP evicted each); "
                            + "%s; sessions on the old primary: %d at B, %d at 2B%n", "jdbc-liveness ("
                            + l.driverName() + ")", l.result, l.refused.get(), l.ds.stats().evictions(),
                            onAatB.get(user(l.driver)), onAat2B.get(user(l.driver)));
                }

                assertEquals(POOL, onAatB.get(PLAIN_USER), "plain HikariCP keeps its sessions on the old primary");
                assertEquals(POOL, onAat2B.get(PLAIN_USER), "and at 2B");
                assertTrue(p.failedAfterB() > 0, "plain HikariCP stayed on the old primary: " + p);
                for (Liveness l : ours) {
                    WriteTraffic.Result o = l.result;
                    String who = "jdbc-liveness (" + l.driverName() + ")";
                    assertEquals(0, o.failedAfterB(), who + ": writes started after B that failed: " + o);
                    assertTrue(o.onNewPrimary() > 0, who + ": writes reached the new primary: " + o);
                    assertEquals(0, onAatB.get(user(l.driver)), who + ": sessions left on the old primary at B");
                    assertEquals(0, onAat2B.get(user(l.driver)), who + ": and at 2B");
                    // Every connection the pool had on A left as WRONG_ROLE, once: evicted by HikariCP for a write A
                    // refused as read-only (each writer meets one as A turns), or found by the sweep that followed.
                    assertTrue(l.refused.get() > 0, who + ": no write was refused as read-only: " + o);
                    assertEquals(POOL, l.ds.stats().evictions().get(EvictionReason.WRONG_ROLE),
                            who + ": " + l.ds.stats().evictions() + ", " + l.refused.get() + " refused writes");
                    assertTrue(o.failed() <= p.failed(), who + ": no more failed writes than plain HikariCP: " + o
                            + " vs " + p);
                }
            } finally {
                for (Liveness l : ours) {
                    l.ds.close();
                }
            }
        }
    }

    /** A jdbc-liveness pool of the drill, its writes, and how many of them the old primary refused as read-only. */
    private static final class Liveness {
        final String driver;
        final LivenessDataSource ds;
        final AtomicInteger refused = new AtomicInteger();
        WriteTraffic writes;
        WriteTraffic.Result result;

        Liveness(String driver, LivenessDataSource ds) {
            this.driver = driver;
            this.ds = ds;
        }

        int write(Connection c) throws SQLException {
            try {
                return MariaDbFailoverIT.write(c);
            } catch (SQLException e) {
                if (e.getErrorCode() == 1290 || e.getErrorCode() == 1836) {
                    refused.incrementAndGet();
                }
                throw e;
            }
        }

        String driverName() {
            return driver.equals("mysql") ? "MySQL Connector/J" : "MariaDB Connector/J";
        }
    }

    private static String user(String driver) {
        return "app_" + driver;
    }

    private static List<String> users() {
        List<String> users = new ArrayList<>(List.of(PLAIN_USER));
        DRIVERS.forEach(d -> users.add(user(d)));
        return users;
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

    private static void admin(EmbeddedMariaDbTarget server, String sql) throws SQLException {
        Pools.admin(server, "mariadb", sql);
    }

    /** Each application user's sessions on {@code server}, from the server's own view. */
    private static Map<String, Integer> appSessions(EmbeddedMariaDbTarget server) throws SQLException {
        Map<String, Integer> sessions = new HashMap<>();
        users().forEach(u -> sessions.put(u, 0));
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("mariadb"), server.credentials());
                PreparedStatement s = c.prepareStatement(
                        "SELECT USER, COUNT(*) FROM information_schema.PROCESSLIST GROUP BY USER")) {
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (sessions.containsKey(rs.getString(1))) {
                        sessions.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
        }
        return sessions;
    }
}
