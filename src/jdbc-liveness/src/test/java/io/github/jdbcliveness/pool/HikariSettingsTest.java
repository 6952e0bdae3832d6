package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.PoolBindingTest.fast;
import static io.github.jdbcliveness.pool.PoolBindingTest.hikari;
import static io.github.jdbcliveness.pool.StubServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * Settings HikariCP rewrites when its pool starts are decided on as HikariCP will use them, and settings changed on a
 * wrapped pool before it starts are honoured or refused: never silently dropped. Stub driver under a real HikariCP.
 */
class HikariSettingsTest {

    private static final long S = 1000;

    @Test
    void effectiveTimers_areWhatHikariUses() {
        assertEquals(new HikariTimers(0, 0), HikariTimers.effective(0, 10 * S)); // keepalive under the floor: off
        assertEquals(new HikariTimers(1_800_000, 0), HikariTimers.effective(10 * S, 0)); // maxLifetime: default
        assertEquals(new HikariTimers(1_800_000, 60 * S), HikariTimers.effective(10 * S, 60 * S));
        assertEquals(new HikariTimers(60 * S, 0), HikariTimers.effective(60 * S, 60 * S)); // not below maxLifetime
        assertEquals(new HikariTimers(0, 30 * S), HikariTimers.effective(0, 30 * S));
        assertFalse(HikariTimers.effective(0, 10 * S).schedulesTaskPerConnection());
        assertTrue(HikariTimers.effective(0, 30 * S).keepaliveScheduled());
        assertTrue(HikariTimers.effective(10 * S, 0).schedulesTaskPerConnection());
    }

    /** Measured before: 0 probes' evictions ever completed, HikariCP kept 10 dead connections counted as idle. */
    @Test
    void namedPool_maxLifetimeOff_keepaliveUnderHikarisFloor_stillEvictsDeadConnections() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "floor", 4);
        c.setMaxLifetime(0);
        c.setKeepaliveTime(10 * S); // HikariCP disables it at start: no task per connection would be left
        try (LivenessDataSource ds = LivenessDataSource.create(c, fast().build())) {
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            assertDeadOnesEvicted(server, ds, pool.getHikariPoolMXBean());
            assertEquals(30 * S, pool.getKeepaliveTime(), "raised to HikariCP's floor, so that it keeps a task");
        }
    }

    @Test
    void wrappedPool_timersChangedAfterWrap_areDecidedAgainAtStart() throws Exception {
        StubServer server = StubServer.start();
        HikariDataSource pool = new HikariDataSource();
        hikari(server, "rewrap", 4).copyStateTo(pool);
        try (LivenessDataSource ds = LivenessDataSource.wrap(pool, fast().build())) {
            pool.setMaxLifetime(0);
            pool.setKeepaliveTime(0);
            try (Connection first = ds.getConnection()) {
                assertTrue(first.isValid(1));
            }
            assertEquals(30 * S, pool.getKeepaliveTime());
            assertDeadOnesEvicted(server, ds, pool.getHikariPoolMXBean());
        }
    }

    @Test
    void wrappedPool_urlOrDataSourceChangedAfterWrap_isRefusedAtStart_namingTheSetting() {
        StubServer server = StubServer.start();
        StubServer other = StubServer.start();
        HikariDataSource pool = new HikariDataSource();
        hikari(server, "moved", 1).copyStateTo(pool);
        try (LivenessDataSource ds = LivenessDataSource.wrap(pool, fast().build())) {
            pool.setJdbcUrl(other.url());
            pool.setConnectionTestQuery("SELECT 1");
            SQLException e = assertThrows(SQLException.class, ds::getConnection);
            assertTrue(e.getMessage().contains("jdbcUrl (" + server.url() + " when wrapped, now " + other.url() + ")"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("connectionTestQuery (now SELECT 1"), e.getMessage());
            assertEquals(0, other.connections.size(), "nothing was opened to the URL jdbc-liveness does not watch");
        }
    }

    private static void assertDeadOnesEvicted(StubServer server, LivenessDataSource ds, HikariPoolMXBean mx) {
        await(() -> mx.getIdleConnections() == 4, () -> "idle " + mx.getIdleConnections());
        server.killAll();
        await(() -> server.connections.size() >= 8 && mx.getTotalConnections() == 4 && mx.getIdleConnections() == 4
                && ds.stats().knownDeadNow() == 0, () -> "opened " + server.connections.size() + ", HikariCP total "
                        + mx.getTotalConnections() + ", " + ds.stats());
    }
}
