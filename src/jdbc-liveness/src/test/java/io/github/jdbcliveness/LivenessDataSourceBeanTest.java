package io.github.jdbcliveness;

import static io.github.jdbcliveness.pool.StubServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.pool.StubServer;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The JavaBean form under a real HikariCP with the stub driver: it starts at the first borrow and not before, seals
 * its settings then, closes cleanly before or after the start, unwraps to HikariCP's pool, and every property can be
 * set by name with a string, as a JNDI resource factory sets it.
 */
class LivenessDataSourceBeanTest {

    /** A bean for the stub driver: keepalive tuning off (it has no socket), heartbeat fast. */
    private static LivenessDataSourceBean bean(StubServer server, String name) {
        LivenessDataSourceBean b = new LivenessDataSourceBean();
        b.setJdbcUrl(server.url());
        b.setPoolName(name);
        b.setMaximumPoolSize(2);
        b.setMinimumIdle(2);
        b.setConnectionTimeout(1000);
        b.setDetectionBudget("4s");
        b.setHeartbeatInterval("100ms");
        b.setProbeTimeout("500ms");
        b.setKeepaliveEnabled("false");
        b.setWatchdogEnabled("false");
        return b;
    }

    @Test
    void nothingConnects_beforeTheFirstGetConnection_whichStartsThePoolWithTheSettings() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSourceBean b = bean(server, "bean-lazy")) {
            assertEquals("4s", b.getDetectionBudget());
            assertEquals("LivenessDataSourceBean{bean-lazy, not started}", b.toString());
            assertThrows(IllegalStateException.class, b::stats);
            assertEquals(0, server.connections.size(), "connected before the first borrow");

            try (Connection c = b.getConnection()) {
                assertTrue(c.isValid(1));
            }
            assertTrue(server.connections.size() >= 1);
            LivenessDataSource pool = b.unwrap(LivenessDataSource.class);
            assertEquals(Duration.ofSeconds(4), pool.config().detectionBudget());
            assertEquals(Duration.ofMillis(100), pool.config().heartbeatInterval());
            assertFalse(pool.config().keepaliveEnabled());
            assertEquals(2, pool.unwrap(HikariDataSource.class).getMaximumPoolSize());
            await(() -> b.stats().probesPassed() >= 2, () -> b.stats().toString());
        }
    }

    @Test
    void setters_afterTheStart_areRefused_namingTheSetting() throws Exception {
        try (LivenessDataSourceBean b = bean(StubServer.start(), "bean-sealed")) {
            b.getConnection().close();
            var hikari = assertThrows(IllegalStateException.class, () -> b.setMaximumPoolSize(5));
            assertEquals("maximumPoolSize cannot be set once the pool has started (at the first getConnection()): as "
                    + "in HikariCP, the configuration is sealed then", hikari.getMessage());
            var ours = assertThrows(IllegalStateException.class, () -> b.setDetectionBudget("6s"));
            assertTrue(ours.getMessage().startsWith("detectionBudget cannot be set once the pool has started"),
                    ours.getMessage());
            assertThrows(IllegalStateException.class, () -> b.addDataSourceProperty("x", "y"));
            assertEquals(2, b.getMaximumPoolSize());
            assertEquals("4s", b.getDetectionBudget());
        }
    }

    @Test
    void closeBeforeTheStart_opensNothing_andLaterBorrowsAndSettersFailClearly() {
        StubServer server = StubServer.start();
        LivenessDataSourceBean b = bean(server, "bean-closed-early");
        b.close();
        assertTrue(b.isClosed());
        var e = assertThrows(SQLException.class, b::getConnection);
        assertEquals("LivenessDataSourceBean{bean-closed-early, not started, closed} is closed", e.getMessage());
        var set = assertThrows(IllegalStateException.class, () -> b.setJdbcUrl("jdbc:stub:other"));
        assertEquals("jdbcUrl cannot be set: LivenessDataSourceBean{bean-closed-early, not started, closed} is "
                + "closed", set.getMessage());
        b.close(); // twice is fine
        assertEquals(0, server.connections.size());
    }

    @Test
    void closeAfterTheStart_leavesNoThreadBehind() throws Exception {
        // Drivers start JVM-wide threads of their own when DriverManager first loads them (Connector/J's
        // abandoned-connection cleanup): load them before the baseline, so only the pool's threads count.
        DriverManager.drivers().count();
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        StubServer server = StubServer.start();
        LivenessDataSourceBean b = bean(server, "bean-threads");
        try (Connection c = b.getConnection()) {
            c.createStatement().execute("SELECT 1");
        }
        await(() -> b.stats().probesPassed() >= 2, () -> b.stats().toString()); // probe threads have run
        assertFalse(started(before).isEmpty(), "the pool started no thread: nothing to check");

        b.close();

        await(() -> started(before).isEmpty(), () -> "still alive: " + started(before));
        assertThrows(SQLException.class, b::getConnection);
    }

    private static List<String> started(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName).sorted().collect(Collectors.toList());
    }

    @Test
    void everyLivenessProperty_isSetByNameWithAString_asAJndiFactoryDoes() throws Exception {
        StubServer server = StubServer.start();
        Map<String, String> liveness = new LinkedHashMap<>();
        liveness.put("detectionBudget", "6s");
        liveness.put("heartbeatInterval", "1500ms");
        liveness.put("probeTimeout", "PT1S");
        liveness.put("connectTimeout", "2s");
        liveness.put("validationQuery", "SELECT 1");
        liveness.put("validateOnBorrow", "true");
        liveness.put("middleboxIdleTimeout", "1m");
        liveness.put("keepaliveEnabled", "false");
        liveness.put("keepaliveIdle", "2s");
        liveness.put("keepaliveInterval", "1s");
        liveness.put("keepaliveCount", "3");
        liveness.put("watchdogEnabled", "false");
        liveness.put("watchdogInterval", "250ms");
        liveness.put("unacknowledgedTimeout", "500ms");
        Map<String, String> hikari = Map.of("jdbcUrl", server.url(), "poolName", "bean-jndi", "maximumPoolSize",
                "2", "minimumIdle", "1", "connectionTimeout", "1000", "autoCommit", "false", "registerMbeans",
                "false");

        Map<String, PropertyDescriptor> properties = new HashMap<>();
        for (PropertyDescriptor d : Introspector.getBeanInfo(LivenessDataSourceBean.class).getPropertyDescriptors()) {
            properties.put(d.getName(), d);
        }
        for (String name : List.of("jdbcUrl", "username", "password", "driverClassName", "poolName",
                "maximumPoolSize", "minimumIdle", "connectionTimeout", "idleTimeout", "maxLifetime", "keepaliveTime",
                "validationTimeout", "leakDetectionThreshold", "initializationFailTimeout", "autoCommit", "readOnly",
                "transactionIsolation", "catalog", "schema", "connectionInitSql", "connectionTestQuery",
                "registerMbeans", "dataSourceProperties")) {
            PropertyDescriptor d = properties.get(name);
            assertTrue(d != null && d.getReadMethod() != null && d.getWriteMethod() != null,
                    "HikariCP property " + name + " is not readable and writable: " + d);
        }
        LivenessDataSourceBean b = new LivenessDataSourceBean();
        List<String> all = new ArrayList<>(hikari.keySet());
        all.addAll(liveness.keySet());
        for (String name : all) {
            PropertyDescriptor d = properties.get(name);
            assertTrue(d != null && d.getWriteMethod() != null, "no writable property " + name);
            if (liveness.containsKey(name)) {
                assertEquals(String.class, d.getPropertyType(), name);
            }
            d.getWriteMethod().invoke(b, convert(hikari.getOrDefault(name, liveness.get(name)), d.getPropertyType()));
        }
        for (Map.Entry<String, String> e : liveness.entrySet()) {
            assertEquals(e.getValue(), properties.get(e.getKey()).getReadMethod().invoke(b), e.getKey());
        }

        try (b; Connection c = b.getConnection()) {
            assertFalse(c.getAutoCommit());
            LivenessConfig config = b.unwrap(LivenessDataSource.class).config();
            assertEquals(Duration.ofSeconds(6), config.detectionBudget());
            assertEquals(Duration.ofMillis(1500), config.heartbeatInterval());
            assertEquals(Duration.ofSeconds(1), config.probeTimeout());
            assertEquals(Duration.ofSeconds(2), config.connectTimeout());
            assertEquals(Optional.of("SELECT 1"), config.validationQuery());
            assertTrue(config.validateOnBorrow());
            assertEquals(Optional.of(Duration.ofMinutes(1)), config.middleboxIdleTimeout());
            assertFalse(config.keepaliveEnabled());
            assertEquals(KeepaliveSettings.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 3), config.keepalive());
            assertFalse(config.watchdogEnabled());
            assertEquals(Duration.ofMillis(250), config.watchdogInterval());
            assertEquals(Duration.ofMillis(500), config.unacknowledgedTimeout());
            assertEquals("bean-jndi", b.unwrap(HikariDataSource.class).getPoolName());
        }
    }

    /** What Tomcat's BeanFactory does with a {@code <Resource>} attribute, by the property's type. */
    private static Object convert(String value, Class<?> type) {
        if (type == int.class) {
            return Integer.valueOf(value);
        }
        if (type == long.class) {
            return Long.valueOf(value);
        }
        if (type == boolean.class) {
            return Boolean.valueOf(value);
        }
        assertEquals(String.class, type);
        return value;
    }

    @Test
    void malformedValue_failsAtItsSetter_namingPropertyAndValue_andIsNotKept() {
        LivenessDataSourceBean b = new LivenessDataSourceBean();
        var bare = assertThrows(IllegalArgumentException.class, () -> b.setDetectionBudget("6"));
        assertTrue(bare.getMessage().startsWith("detectionBudget (6) needs a unit, for example 6ms or 6s: HikariCP "
                + "reads a bare number in its own settings as milliseconds"), bare.getMessage());
        var bool = assertThrows(IllegalArgumentException.class, () -> b.setValidateOnBorrow("yes"));
        assertEquals("validateOnBorrow (yes) must be true or false", bool.getMessage());
        assertNull(b.getDetectionBudget());
        assertNull(b.getValidateOnBorrow());
        b.setDetectionBudget("6s");
        b.setDetectionBudget(null); // unset: the default again
        assertNull(b.getDetectionBudget());
    }

    @Test
    void settingsTheBuilderRefuses_failTheStart_leaveItUnsealed_andCanBeFixed() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSourceBean b = bean(server, "bean-refused")) {
            b.setProbeTimeout("70s");
            var e = assertThrows(IllegalArgumentException.class, b::getConnection);
            assertEquals("probeTimeout (70s) must be between 50ms and 60s", e.getMessage());
            b.setProbeTimeout("500ms");
            b.setKeepaliveIdle("2s");
            var keepalive = assertThrows(IllegalArgumentException.class, b::getConnection);
            assertEquals("keepaliveInterval and keepaliveCount are missing: keepaliveIdle, keepaliveInterval and "
                    + "keepaliveCount go together; set all three, or none to derive them from detectionBudget",
                    keepalive.getMessage());
            assertEquals(0, server.connections.size());
            b.setKeepaliveIdle(null);
            b.getConnection().close();
        }
    }

    @Test
    void aDatabaseThatCannotBeReached_failsTheFirstBorrow_andTheNextOneStartsAfresh() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSourceBean b = bean(server, "bean-down")) {
            b.setJdbcUrl("jdbc:stub:nobody-listens");
            var e = assertThrows(SQLException.class, b::getConnection);
            assertTrue(e.getMessage().contains("no stub server"), e.getMessage());
            assertEquals("LivenessDataSourceBean{bean-down, not started}", b.toString());
            b.setJdbcUrl(server.url()); // not sealed: the failed start left nothing behind
            try (Connection c = b.getConnection()) {
                assertTrue(c.isValid(1));
            }
        }
    }

    @Test
    void unwrap_beforeTheStartOnlyTheBean_afterItThePool_andDataSourceIsHikarisPool() throws Exception {
        try (LivenessDataSourceBean b = bean(StubServer.start(), "bean-unwrap")) {
            assertSame(b, b.unwrap(DataSource.class));
            assertFalse(b.isWrapperFor(HikariDataSource.class));
            assertThrows(SQLException.class, () -> b.unwrap(HikariDataSource.class));

            b.getConnection().close();

            HikariDataSource hikari = b.unwrap(HikariDataSource.class);
            assertSame(hikari, b.unwrap(DataSource.class));
            assertSame(hikari, b.unwrap(HikariConfigMXBean.class));
            assertSame(hikari, b.unwrap(LivenessDataSource.class).unwrap(HikariDataSource.class));
            assertSame(b, b.unwrap(LivenessDataSourceBean.class));
            assertTrue(b.isWrapperFor(HikariDataSource.class));
            assertTrue(b.isWrapperFor(LivenessDataSource.class));
            assertTrue(b.isWrapperFor(DataSource.class));
        }
    }

    @Test
    void listenerAddedBeforeTheStart_seesTheFirstConnectionsOpen() throws Exception {
        List<ConnectionRef> opened = new CopyOnWriteArrayList<>();
        try (LivenessDataSourceBean b = bean(StubServer.start(), "bean-listener")) {
            b.addListener(new LivenessListener() {
                @Override
                public void onConnectionOpened(ConnectionRef connection, AppliedKeepalive keepalive) {
                    opened.add(connection);
                }
            });
            b.getConnection().close();
            await(() -> opened.size() == 2, () -> "opened " + opened);
        }
    }

    @Test
    void concurrentFirstBorrows_startOnePool() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSourceBean b = bean(server, "bean-race")) {
            CountDownLatch go = new CountDownLatch(1);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> borrowers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        b.getConnection().close();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "bean-race-" + i);
                t.start();
                borrowers.add(t);
            }
            go.countDown();
            for (Thread t : borrowers) {
                t.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertEquals(List.of(), failures);
            HikariDataSource hikari = b.unwrap(HikariDataSource.class);
            await(() -> hikari.getHikariPoolMXBean().getIdleConnections() == 2, () -> "idle "
                    + hikari.getHikariPoolMXBean().getIdleConnections());
            assertEquals(2, server.connections.size(), "more than one pool started");
        }
    }
}
