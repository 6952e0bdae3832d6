package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveDataSource;
import io.github.jdbcliveness.KeepaliveSettings;
import io.github.jdbcliveness.KeepaliveSummary;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Connections a HikariCP pool opens through {@link KeepaliveDataSource} with B = 6 s carry exactly keepalive
 * idle 2 s / interval 1 s / count 3: in the library's report, and in the kernel's own view of each socket asked
 * from outside the JVM (getsockopt on a pidfd_getfd duplicate, and the keepalive timer {@code ss} shows).
 */
class KeepaliveAppliedIT {

    private static final int POOL = 3;

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void pooledConnections_carryExactlyTheBudgetsKeepalive_inTheReportAndInTheKernel(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        Drills.requireTool(KernelView.pythonAvailable(),
                "python3 (3.9+) is needed to read socket options from outside the JVM");
        DatabaseTarget target = DatabaseTargets.resolve(kind);
        KeepaliveSettings keepalive = KeepaliveSettings.forBudget(Duration.ofSeconds(6));
        HikariConfig config = target.hikariConfig(driver, "keepalive-applied-" + driver, POOL);
        KeepaliveDataSource source = KeepaliveDataSource.install(config, keepalive);

        try (HikariDataSource pool = new HikariDataSource(config)) {
            List<Connection> leased = new ArrayList<>();
            try {
                for (int i = 0; i < POOL; i++) {
                    leased.add(pool.getConnection());
                }
                for (Connection c : leased) {
                    AppliedKeepalive applied = source.applied(c).orElseThrow();
                    assertEquals(ServerSql.of(kind).clientPort(c), applied.localPort(),
                            "the report speaks of the socket the server sees");
                    assertTrue(applied.soKeepalive(), applied.toString());
                    assertEquals(2, applied.idleSeconds(), applied.toString());
                    assertEquals(1, applied.intervalSeconds(), applied.toString());
                    assertEquals(3, applied.count(), applied.toString());
                    assertTrue(applied.asRequested(), applied.toString());

                    KernelView.Timer timer = KernelView.ssTimer(applied.localPort()).orElseThrow(
                            () -> new AssertionError("ss shows no timer for port " + applied.localPort()));
                    Map<String, Integer> kernel = KernelView.sockopts(applied.localPort());
                    System.out.printf("%s on %s: report %s | kernel %s, ss %s%n", driver, kind, applied, kernel, timer);
                    assertEquals(Map.of("so_keepalive", 1, "tcp_keepidle", 2, "tcp_keepintvl", 1, "tcp_keepcnt", 3),
                            kernel);
                    assertEquals("keepalive", timer.kind());
                    assertTrue(timer.seconds() <= 2.0, "keepalive timer runs from idle 2 s: " + timer);
                }
            } finally {
                for (Connection c : leased) {
                    c.close();
                }
            }
        }
        KeepaliveSummary summary = source.summary();
        System.out.println(summary);
        assertTrue(summary.connections() >= POOL, summary.toString());
        assertEquals(summary.connections(), summary.asRequested(), summary.toString());
    }
}
