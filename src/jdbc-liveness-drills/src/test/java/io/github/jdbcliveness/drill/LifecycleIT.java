package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** create / wrap / close against a real server: nothing left running, nothing left on the server. */
class LifecycleIT {

    private static final LivenessConfig CONFIG = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6))
            .build();

    @Test
    void close_leavesNoThreadBehind_andNoConnectionOnTheServer() throws Exception {
        DatabaseTarget target = DatabaseTargets.postgres();
        Pools.killAllSessions(target, "postgresql");
        int before = Pools.serverSessions(target, "postgresql");
        LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, "postgresql", "lifecycle", 5), CONFIG);
        Pools.awaitIdle(ds.unwrap(HikariDataSource.class), 5, Duration.ofSeconds(10));
        try (Connection c = ds.getConnection()) {
            assertEquals(1, Pools.selectOne(c));
        }
        assertEquals(before + 5, Pools.serverSessions(target, "postgresql"));
        assertTrue(HeartbeatScheduler.running());

        ds.close();

        assertTrue(ds.isClosed());
        assertFalse(HeartbeatScheduler.running(), "the shared scheduler stops with the last pool");
        Pools.awaitTrue(Duration.ofSeconds(10), () -> ourThreads().isEmpty(), () -> "still alive: " + ourThreads());
        Pools.awaitTrue(Duration.ofSeconds(10), () -> sessions(target) == before,
                () -> "server sessions " + sessions(target) + ", before " + before);
    }

    @Test
    void wrap_ofAPoolNotYetStarted_startsIt_andUnwrapFindsIt() throws Exception {
        DatabaseTarget target = DatabaseTargets.mysql();
        HikariDataSource pool = new HikariDataSource();
        HikariConfig c = Pools.hikari(target, "mariadb", "wrapped", 3);
        c.copyStateTo(pool);
        try (LivenessDataSource ds = LivenessDataSource.wrap(pool, CONFIG)) {
            assertSame(pool, ds.unwrap(HikariDataSource.class));
            try (Connection conn = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(conn));
            }
            assertTrue(ds.stats().keepalive().asRequested() >= 1, ds.stats().toString());
        }
        assertTrue(pool.isClosed());
    }

    @Test
    void wrap_ofAStartedPool_failsClearly() {
        DatabaseTarget target = DatabaseTargets.postgres();
        try (HikariDataSource started = new HikariDataSource(Pools.hikari(target, "postgresql", "started", 1))) {
            var e = assertThrows(IllegalStateException.class, () -> LivenessDataSource.wrap(started, CONFIG));
            assertEquals("wrap() needs a HikariDataSource that has not started, but started is already running; "
                    + "build it with new HikariDataSource() and setters, or use LivenessDataSource.create(config)",
                    e.getMessage());
        }
    }

    @Test
    void create_withAConflictingSocketFactory_failsClearly_andLeavesNothingRunning() {
        HikariConfig c = Pools.hikari(DatabaseTargets.postgres(), "postgresql", "conflict", 1);
        c.addDataSourceProperty("socketFactory", "com.example.Tunnel");
        var e = assertThrows(IllegalArgumentException.class, () -> LivenessDataSource.create(c, CONFIG));
        assertTrue(e.getMessage().startsWith("socketFactory (com.example.Tunnel) is already set"), e.getMessage());
        assertFalse(HeartbeatScheduler.running());
    }

    private static int sessions(DatabaseTarget target) {
        try {
            return Pools.serverSessions(target, "postgresql");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("jdbc-liveness") || n.startsWith("lifecycle"))
                .collect(Collectors.toList());
    }
}
