package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The operator's lever: which connections a host names, and a gentle eviction of all under a real HikariCP. */
class OperatorEvictionsTest {

    @Test
    void hostKey_matchesTheAddress_andThePortWhenGiven() {
        assertTrue(OperatorEvictions.matches("10.0.0.5:5432", Set.of("10.0.0.5"), -1));
        assertTrue(OperatorEvictions.matches("10.0.0.5:5432", Set.of("10.0.0.5"), 5432));
        assertFalse(OperatorEvictions.matches("10.0.0.5:5432", Set.of("10.0.0.5"), 5433));
        assertFalse(OperatorEvictions.matches("10.0.0.6:5432", Set.of("10.0.0.5"), -1));
        assertTrue(OperatorEvictions.matches("0:0:0:0:0:0:0:1:5432", Set.of("0:0:0:0:0:0:0:1"), 5432));
        assertFalse(OperatorEvictions.matches("jdbc:stub:stub1", Set.of("stub1"), -1), "a URL key has no address");
    }

    @Test
    void host_isANameOrAnAddress_withAnOptionalPort() {
        assertEquals(-1, OperatorEvictions.port("10.0.0.5"));
        assertEquals(5432, OperatorEvictions.port("10.0.0.5:5432"));
        assertEquals(5432, OperatorEvictions.port("[::1]:5432"));
        assertEquals(-1, OperatorEvictions.port("::1"));
        assertEquals(Set.of("10.0.0.5"), OperatorEvictions.addresses("10.0.0.5:5432"));
        assertEquals(Set.of("0:0:0:0:0:0:0:1"), OperatorEvictions.addresses("[::1]:5432"));
        assertTrue(OperatorEvictions.addresses("localhost").contains("127.0.0.1"));
    }

    @Test
    void badHost_isRefused_namingIt() {
        assertEquals("server (db:x) has a port that is not 1..65535",
                assertThrows(IllegalArgumentException.class, () -> OperatorEvictions.port("db:x")).getMessage());
        assertEquals("server ( ) must name a host, an address or host:port",
                assertThrows(IllegalArgumentException.class, () -> OperatorEvictions.addresses(" ")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> OperatorEvictions.addresses("no-such-host.invalid")).getMessage()
                .startsWith("server (no-such-host.invalid) does not resolve"));
    }

    @Test
    void evictAllOverJmx_closesIdleNow_leavesTheLeasedOneToItsBorrower_andUnregistersAtClose() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.url());
        c.setPoolName("operator-lever");
        c.setMaximumPoolSize(3);
        c.setRegisterMbeans(true);
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.github.jdbcliveness:type=Pool,name=\"operator-lever\"");
        LivenessDataSource ds = LivenessDataSource.create(c, LivenessConfig.builder()
                .detectionBudget(Duration.ofSeconds(6)).keepaliveEnabled(false).watchdogEnabled(false).build());
        try {
            Connection leased = ds.getConnection();
            StubServer.await(() -> server.open() == 3, () -> server.open() + " open");
            StubServer.StubConnection held = StubServer.of(leased.unwrap(TrackedConnection.class).delegate);

            assertEquals(3, mbeans.invoke(name, "evictAll", null, null));
            StubServer.await(() -> server.connections.stream().filter(s -> s != held && (s.closed || s.aborted))
                    .count() == 2, () -> server.connections.toString());
            assertFalse(held.closed || held.aborted, "the leased connection stays with its borrower");
            assertTrue(leased.isValid(1), "its work goes on");
            leased.close();
            StubServer.await(() -> held.closed || held.aborted, () -> "closed when returned");
            StubServer.await(() -> server.open() == 3, () -> server.open() + " open after the refill");
            assertEquals("operator-lever", mbeans.getAttribute(name, "PoolName"));
            assertEquals(0, ds.stats().evictionsTotal(), "an operator's eviction is not a death");
        } finally {
            ds.close();
        }
        assertFalse(mbeans.isRegistered(name), "unregistered at close");
    }
}
