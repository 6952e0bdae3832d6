package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.PoolBindingTest.hikari;
import static io.github.jdbcliveness.pool.StubServer.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.LivenessStats.Layer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Any JDBC driver starts with only the budget set, and gets what needs no socket of ours: heartbeats, eviction and
 * the host verdict. The layers that need the socket are off, with the reason, in the stats; asked for explicitly,
 * they fail the start. The stub driver and H2 in memory are drivers whose sockets jdbc-liveness cannot see.
 */
class UnknownDriverTest {

    private static final Duration B = Duration.ofSeconds(4);

    private static LivenessConfig.Builder onlyTheBudget() {
        return LivenessConfig.builder().detectionBudget(B);
    }

    @Test
    void stubDriver_withOnlyTheBudget_starts_andSaysWhichLayersAreOffAndWhy() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "unknown", 2), onlyTheBudget().build())) {
            LivenessStats stats = ds.stats();
            String noSocket = "no socket to see with " + StubServer.StubDriver.class.getName() + " (jdbc-liveness "
                    + "sees the sockets of pgjdbc, MySQL Connector/J and MariaDB Connector/J)";
            assertEquals(Map.of(Layer.KEEPALIVE, noSocket, Layer.WATCHDOG, noSocket, Layer.BORROW_CHECK, noSocket),
                    stats.off());
            assertNull(stats.keepalive(), "no keepalive requested, none to count");
            assertFalse(stats.watchdog().enabled(), stats.watchdog().toString());
        }
    }

    @Test
    void stubDriver_withOnlyTheBudget_stillEvictsDeadConnections_andRefills() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "unknown-evicts", 3),
                onlyTheBudget().build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 3, () -> "idle " + mx.getIdleConnections());
            server.killAll();
            await(() -> server.connections.size() == 6 && mx.getIdleConnections() == 3
                    && ds.stats().knownDeadNow() == 0, () -> "opened " + server.connections.size() + ", "
                            + ds.stats());
            assertEquals(3, ds.stats().evictions().get(EvictionReason.PROBE_FAILED), ds.stats().toString());
            for (int i = 0; i < 3; i++) {
                StubServer.StubConnection dead = server.connections.get(i);
                await(() -> dead.aborted || dead.closed, () -> "dead connection " + dead.id + " still open");
            }
        }
    }

    @Test
    void hostJudgedDown_abortsTheLeaseOfADriverWithoutOurSocket_whoseWaitingRequestNothingElseCouldSee()
            throws Exception {
        StubServer server = StubServer.start();
        CountDownLatch hang = new CountDownLatch(1);
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "unknown-down", 2), onlyTheBudget()
                .heartbeatInterval(Duration.ofMillis(100)).probeTimeout(Duration.ofMillis(500)).build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 2, () -> "idle " + mx.getIdleConnections());
            Connection leased = ds.getConnection();
            server.hang = hang; // the server hangs: probes and requests get no answer
            server.connectHang = hang; // and a new connection gets none either
            await(() -> ds.stats().evictions().get(EvictionReason.HOST_DOWN) == 1, () -> ds.stats().toString());
            assertTrue(ds.stats().host().down(), ds.stats().host().toString());
            // The eviction is counted before the connection is aborted (on a maintenance thread); the stub's hang,
            // unlike a real socket, does not end on an abort that comes after the request began: wait for the abort.
            StubServer.StubConnection lease = StubServer.of(leased.unwrap(TrackedConnection.class).delegate);
            await(() -> lease.aborted || lease.closed, () -> "the lease was never aborted: " + ds.stats());
            long start = System.nanoTime();
            assertThrows(java.sql.SQLException.class, () -> {
                try (Statement st = leased.createStatement()) {
                    st.execute("SELECT 1");
                }
            }, "the lease on a host judged down still reaches the hung server");
            assertTrue(System.nanoTime() - start < java.util.concurrent.TimeUnit.SECONDS.toNanos(1),
                    "the request on the aborted lease waited for the hung server");
            leased.close();
        } finally {
            hang.countDown();
        }
    }

    @Test
    void keepaliveAskedForExplicitly_onADriverWithoutOurSocket_failsTheStart_namingSettingAndDriver() {
        StubServer server = StubServer.start();
        assertRefused(server, onlyTheBudget().keepaliveEnabled(true).build(), "keepaliveEnabled (true) is set "
                + "explicitly, but jdbc-liveness sees the sockets of pgjdbc, MySQL Connector/J and MariaDB "
                + "Connector/J only");
    }

    @Test
    void watchdogAskedForExplicitly_onADriverWithoutOurSocket_failsTheStart() {
        StubServer server = StubServer.start();
        assertRefused(server, onlyTheBudget().watchdogEnabled(true).build(), "watchdogEnabled (true) is set "
                + "explicitly");
    }

    @Test
    void layersSwitchedOff_areReportedAsSwitchedOff_notAsTheDriversFault() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "switched-off", 1),
                onlyTheBudget().keepaliveEnabled(false).watchdogEnabled(false).build())) {
            Map<Layer, String> off = ds.stats().off();
            assertEquals("keepaliveEnabled false", off.get(Layer.KEEPALIVE));
            assertEquals("watchdogEnabled false", off.get(Layer.WATCHDOG));
            assertTrue(off.get(Layer.BORROW_CHECK).startsWith("no socket to see with "), off.toString());
        }
    }

    @Test
    void h2InMemory_withOnlyTheBudget_startsAndServes() throws Exception {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:h2:mem:unknown-driver;DB_CLOSE_DELAY=-1");
        c.setPoolName("h2-mem");
        c.setMaximumPoolSize(2);
        try (LivenessDataSource ds = LivenessDataSource.create(c, onlyTheBudget().build())) {
            assertEquals(42, query(ds, "SELECT 42"));
            await(() -> ds.stats().probesPassed() >= 2, () -> ds.stats().toString());
            assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
            assertTrue(ds.stats().off().get(Layer.KEEPALIVE).contains("org.h2.Driver"), ds.stats().off().toString());
        }
    }

    private static int query(LivenessDataSource ds, String sql)
            throws Exception {
        try (Connection conn = ds.getConnection(); Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getInt(1);
        }
    }

    private static void assertRefused(StubServer server, LivenessConfig config, String start) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LivenessDataSource.create(hikari(server, "refused", 1), config));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
        assertTrue(e.getMessage().contains("the driver for " + server.url() + " is "
                + StubServer.StubDriver.class.getName()), e.getMessage());
    }
}
