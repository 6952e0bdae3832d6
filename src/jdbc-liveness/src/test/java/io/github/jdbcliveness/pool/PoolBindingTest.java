package io.github.jdbcliveness.pool;

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
import io.github.jdbcliveness.HostDownException;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The pool binding under a real HikariCP, with a stub driver instead of a server (no root, no database): that dead
 * connections leave HikariCP and the pool refills, that probes end their transactions, that HikariCP's test query
 * becomes the probe's, that a borrow stays within one connectionTimeout, that an interrupted borrower kills nothing,
 * and that close() leaves no connection open. Liveness against real faults is drilled in the ITs.
 */
class PoolBindingTest {


    /** Liveness on fake-fast timings for stub pools: B = 4 s, heartbeat 100 ms, probe timeout 500 ms. */
    static LivenessConfig.Builder fast() {
        return LivenessConfig.builder().detectionBudget(Duration.ofSeconds(4)).heartbeatInterval(Duration.ofMillis(100))
                .probeTimeout(Duration.ofMillis(500)).keepaliveEnabled(false).watchdogEnabled(false);
    }

    static HikariConfig hikari(StubServer server, String name, int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.url());
        c.setPoolName(name);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        c.setConnectionTimeout(1000);
        return c;
    }

    @Test
    void deadIdleConnections_neverBorrowed_leaveHikariAtOnce_andThePoolRefills() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "refill", 4), fast().build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 4, () -> "idle " + mx.getIdleConnections());

            server.killAll(); // nobody ever borrowed these four

            await(() -> server.connections.size() == 8 && mx.getTotalConnections() == 4
                    && mx.getIdleConnections() == 4 && ds.stats().knownDeadNow() == 0,
                    () -> "opened " + server.connections.size() + ", HikariCP total " + mx.getTotalConnections()
                            + ", idle " + mx.getIdleConnections() + ", " + ds.stats());
            LivenessStats stats = ds.stats();
            assertEquals(4, stats.evictions().get(EvictionReason.PROBE_FAILED), stats.toString());
            for (int i = 0; i < 4; i++) {
                StubServer.StubConnection dead = server.connections.get(i);
                assertTrue(dead.closed || dead.aborted, "dead connection " + dead.id + " still open");
            }
        }
    }

    @Test
    void probeWithValidationQuery_andAutoCommitOff_rollsItsTransactionBack() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "rollback", 3);
        c.setAutoCommit(false);
        try (LivenessDataSource ds = LivenessDataSource.create(c, fast().validationQuery("SELECT 1").build())) {
            await(() -> ds.stats().probesPassed() >= 9, () -> ds.stats().toString());
            for (StubServer.StubConnection sc : server.connections) {
                assertFalse(sc.inTransaction, "connection " + sc.id + " left idle in a transaction by a probe");
                assertTrue(sc.rollbacks.get() > 0, "connection " + sc.id + " was never rolled back");
            }
        }
    }

    @Test
    void hikariConnectionTestQuery_becomesTheProbeStatement_andOnlyProbeThreadsRunIt() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "testquery", 2);
        c.setConnectionTestQuery("SELECT 2");
        try (LivenessDataSource ds = LivenessDataSource.create(c, fast().build())) {
            await(() -> ds.stats().probesPassed() >= 4, () -> ds.stats().toString());
            for (int i = 0; i < 20; i++) {
                try (Connection conn = ds.getConnection()) {
                    assertTrue(conn.isValid(1));
                }
            }
            for (StubServer.StubConnection sc : server.connections) {
                assertTrue(sc.statements.stream().allMatch("SELECT 2"::equals), sc.statements.toString());
                assertTrue(sc.statementThreads.stream().allMatch(n -> n.startsWith("jdbc-liveness-probe-")),
                        "HikariCP ran its test query itself: " + sc.statementThreads);
            }
            assertNull(ds.unwrap(HikariDataSource.class).getConnectionTestQuery());
        }
    }

    @Test
    void differentConnectionTestQueryAndValidationQuery_failWithBothNamed() {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "twoqueries", 1);
        c.setConnectionTestQuery("SELECT 2");
        var e = assertThrows(IllegalArgumentException.class,
                () -> LivenessDataSource.create(c, fast().validationQuery("SELECT 1").build()));
        assertEquals("HikariConfig.connectionTestQuery (SELECT 2) and LivenessConfig.validationQuery (SELECT 1) "
                + "differ; jdbc-liveness probes with one statement: set one of them", e.getMessage());
    }

    @Test
    void keepaliveTime_theUserSet_isKept() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "keepalive", 1);
        c.setKeepaliveTime(TimeUnit.SECONDS.toMillis(90));
        try (LivenessDataSource ds = LivenessDataSource.create(c, fast().build())) {
            assertEquals(90_000, ds.unwrap(HikariDataSource.class).getKeepaliveTime());
        }
    }

    @Test
    void borrow_afterADeadConnection_staysWithinOneConnectionTimeout() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "overrun", 1);
        c.setConnectionTimeout(1000);
        try (LivenessDataSource ds = LivenessDataSource.create(c,
                fast().heartbeatInterval(Duration.ofSeconds(3)).validateOnBorrow(true).build())) {
            Connection held = ds.getConnection();
            server.killAll();
            server.refuseConnects = true; // no refill: the borrower can only draw the dead one
            Thread release = new Thread(() -> {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(600)); // scripted: the holder's work
                try {
                    held.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            release.start();
            assertThrows(SQLTransientConnectionException.class, ds::getConnection);
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            release.join();
            // One connectionTimeout (1000 ms) plus at most one validation; retrying with a fresh timeout after the
            // dead connection was drawn at ~600 ms took ~1600 ms.
            assertTrue(took < 1400, "the borrow took " + took + " ms with connectionTimeout 1000 ms");
        }
    }

    @Test
    void borrow_thatWaitedForAHungProbe_retriesOnlyForWhatIsLeftOfConnectionTimeout() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = hikari(server, "hung-probe", 1);
        c.setConnectionTimeout(1000);
        // Probe timeout 500 ms: the borrower waits for the hung probe about that long, then takes another.
        try (LivenessDataSource ds = LivenessDataSource.create(c, fast().build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 1, () -> "idle " + mx.getIdleConnections());
            CountDownLatch hang = new CountDownLatch(1);
            // No refill, and no quick "refused" either (which would judge the host down and fail the borrow at
            // once): after the hung one, the borrower can only wait for a connect that does not return.
            server.connectHang = hang;
            server.hang = hang;
            try {
                await(() -> server.hanging.get() == 1, () -> "a heartbeat probe hanging: " + server.hanging.get());
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, ds::getConnection);
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                // The wait for the probe counts against connectionTimeout: about 1000 ms. Retrying with a whole
                // connectionTimeout after it took 1500 ms.
                assertTrue(took < 1300, "the borrow took " + took + " ms with connectionTimeout 1000 ms: "
                        + messages(e));
            } finally {
                hang.countDown();
            }
        }
    }

    @Test
    void borrowerInterruptedDuringValidation_waitsForTheProbe_andKillsNothing() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "interrupt", 1),
                fast().detectionBudget(Duration.ofSeconds(6)).heartbeatInterval(Duration.ofSeconds(3))
                        .probeTimeout(Duration.ofSeconds(2)).validateOnBorrow(true).build())) {
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == 1, () -> "idle " + mx.getIdleConnections());
            CountDownLatch hang = new CountDownLatch(1);
            server.hang = hang;
            Thread borrower = Thread.currentThread();
            Thread interrupter = new Thread(() -> {
                await(() -> server.hanging.get() == 1, () -> "validation running: " + server.hanging.get());
                borrower.interrupt();
                hang.countDown();
            });
            interrupter.start();
            try (Connection c = ds.getConnection()) {
                assertTrue(Thread.interrupted(), "the interrupt was swallowed");
                server.hang = null;
                assertTrue(c.isValid(1));
            }
            interrupter.join();
            assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
        }
    }

    @Test
    void close_leavesNoPhysicalConnectionOpen() throws Exception {
        StubServer server = StubServer.start();
        LivenessDataSource ds = LivenessDataSource.create(hikari(server, "close", 5), fast().build());
        HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
        await(() -> mx.getIdleConnections() == 5, () -> "idle " + mx.getIdleConnections());
        server.killAll(); // dead ones are being aborted while the pool closes
        ds.close();
        await(() -> server.open() == 0, () -> server.open() + " of " + server.connections.size() + " still open");
    }

    @Test
    void wrap_startsNothingUntilTheFirstBorrow_soADatabaseThatIsDownDoesNotStopIt() throws Exception {
        StubServer server = StubServer.start();
        server.refuseConnects = true;
        HikariDataSource pool = new HikariDataSource();
        hikari(server, "lazy", 1).copyStateTo(pool);
        pool.setInitializationFailTimeout(-1);
        try (LivenessDataSource ds = LivenessDataSource.wrap(pool, fast().build())) {
            assertNull(pool.getHikariPoolMXBean(), "wrap() started the pool");
            assertThrows(SQLTransientConnectionException.class, ds::getConnection);
            assertTrue(ds.stats().host().down(), "refused connections: the host is judged down");
            // Refused at once with its own type, which drills and applications count apart from errors: never sent.
            HostDownException down = assertThrows(HostDownException.class, ds::getConnection);
            assertEquals(ds.stats().host().name(), down.host());
            assertTrue(down.getMessage().contains("is judged down (" + down.evidence() + ")"), down.getMessage());
            server.refuseConnects = false;
            // Until a check (every heartbeat interval) or HikariCP's own retry gets an answer, borrowers fail at once.
            StubServer.await(() -> !ds.stats().host().down(), () -> ds.stats().host().toString());
            try (Connection c = ds.getConnection()) {
                assertTrue(c.isValid(1));
            }
        }
        assertTrue(pool.isClosed());
    }

    /**
     * wrap() installs into the user's own pool: a start refused for the role (one that contradicts the driver's
     * setting, or one on a driver whose role jdbc-liveness cannot read) or for a layer the driver cannot give must
     * leave that pool as it was. The role was refused only after HikariCP's timers, the pool's name and its test query
     * had been changed; the layer, after the test query.
     */
    @Test
    void wrap_refused_failsBeforeChangingTheUsersPool() {
        StubServer server = StubServer.start();
        LivenessConfig standby = fast().requiredRole(io.github.jdbcliveness.ServerRole.STANDBY).build();
        record Refused(String url, String driver, LivenessConfig config, String message) {
        }
        List<Refused> refused = List.of(
                new Refused("jdbc:postgresql://127.0.0.1:1/app?targetServerType=primary", null, standby,
                        "requiredRole (standby) contradicts the driver's pgjdbc targetServerType=primary: set one of "
                                + "them"),
                new Refused(server.url(), StubServer.StubDriver.class.getName(), standby,
                        "requiredRole (standby) needs a driver whose server role jdbc-liveness reads"),
                new Refused(server.url(), StubServer.StubDriver.class.getName(),
                        fast().keepaliveEnabled(true).build(), "keepaliveEnabled (true) is set explicitly"));
        for (Refused r : refused) {
            HikariDataSource pool = new HikariDataSource();
            pool.setJdbcUrl(r.url());
            pool.setDriverClassName(r.driver());
            pool.setMaxLifetime(0); // with no keepaliveTime either: HikariCP would schedule no task per connection
            pool.setKeepaliveTime(0);
            pool.setConnectionTestQuery("SELECT 2");
            String before = settings(pool);
            var e = assertThrows(IllegalArgumentException.class, () -> LivenessDataSource.wrap(pool, r.config()));
            assertTrue(e.getMessage().startsWith(r.message()), e.getMessage());
            assertEquals(before, settings(pool), "wrap() refused after changing the pool: " + e.getMessage());
            pool.close();
        }
    }

    /** Every setting jdbc-liveness installs into, or decides on, in a HikariCP configuration. */
    private static String settings(HikariConfig c) {
        return "poolName=" + c.getPoolName() + ", maxLifetime=" + c.getMaxLifetime() + ", keepaliveTime="
                + c.getKeepaliveTime() + ", connectionTestQuery=" + c.getConnectionTestQuery() + ", dataSource="
                + c.getDataSource() + ", scheduledExecutor=" + c.getScheduledExecutor() + ", exceptionOverride="
                + c.getExceptionOverride() + ", dataSourceProperties=" + c.getDataSourceProperties();
    }

    @Test
    void wrappedPool_startedDirectly_failsClearly() {
        StubServer server = StubServer.start();
        HikariDataSource pool = new HikariDataSource();
        hikari(server, "direct", 1).copyStateTo(pool);
        try (LivenessDataSource ds = LivenessDataSource.wrap(pool, fast().build())) {
            var e = assertThrows(Exception.class, pool::getConnection);
            String all = messages(e);
            assertTrue(all.contains("started by a direct getConnection() before jdbc-liveness started it"), all);
        }
    }

    @Test
    void create_restoresHikariRequestBoundariesSwitch() {
        StubServer server = StubServer.start();
        System.setProperty(StartWindow.PROPERTY, "false");
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "switch", 1), fast().build())) {
            assertEquals("false", System.getProperty(StartWindow.PROPERTY));
        } finally {
            System.clearProperty(StartWindow.PROPERTY);
        }
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = e; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append(" / ");
        }
        return b.toString();
    }
}
