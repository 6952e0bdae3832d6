package io.github.jdbcliveness.spring;

import static io.github.jdbcliveness.pool.StubServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.pool.StubServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.ClassUtils;

/**
 * Meters and health under Boot's own metrics and health auto-configurations: {@code jdbc.liveness.*} beside
 * {@code hikaricp.*}, a {@code jdbcLiveness} contributor beside {@code db}, both following the dead connections of a
 * server restart, and each one absent when its module is.
 */
class LivenessMetricsAndHealthTest {

    private final StubServer server = StubServer.start();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    LivenessAutoConfiguration.class, LivenessMetricsAutoConfiguration.class,
                    LivenessHealthAutoConfiguration.class, MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
                    HealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + server.url(),
                    "spring.datasource.driver-class-name=" + StubServer.StubDriver.class.getName(),
                    "spring.datasource.hikari.pool-name=orders", "spring.datasource.hikari.maximum-pool-size=3",
                    "spring.datasource.hikari.minimum-idle=3", "jdbc-liveness.keepalive.enabled=false",
                    "jdbc-liveness.detection-budget=4s");

    @Test
    void deadConnections_showInTheLivenessMeters_besideHikarisOwn_andInHealth_whichStaysUp() {
        runner.run(context -> {
            borrowOnce(context);
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertNotNull(registry.find("hikaricp.connections").tag("pool", "orders").gauge(),
                    "Boot's own HikariCP meters must still be bound");
            await(() -> tracked(context) == 3, () -> "tracked " + tracked(context));

            server.killAll();
            await(() -> evicted(registry) >= 3, () -> "evictions " + evicted(registry));

            Health liveness = poolHealth(context, "dataSource");
            assertEquals(Status.UP, liveness.getStatus(), "an evicted connection is the library working: UP");
            Map<String, Object> details = liveness.getDetails();
            assertEquals("orders", details.get("pool"));
            assertEquals("PT4S", details.get("detectionBudget"));
            assertTrue(((Number) details.get("deadConnectionsFound")).longValue() >= 3, details.toString());
            assertInstanceOf(Map.class, details.get("lastDetection"), details.toString());
            assertEquals("off: keepaliveEnabled false", details.get("keepalive"));
            assertTrue(String.valueOf(details.get("borrowCheck")).startsWith("off: no socket to see with "),
                    details.toString());

            HealthIndicator db = context.getBean("dbHealthContributor", HealthIndicator.class);
            Health dbHealth = db.health();
            assertEquals(Status.UP, dbHealth.getStatus(), dbHealth.toString());
            assertEquals("StubDB", dbHealth.getDetails().get("database"));
        });
    }

    @Test
    void lazyConnectionFetch_wrapsTheLivenessDataSource_whichMetersAndHealthStillFind() {
        assumeTrue(ClassUtils.isPresent("org.springframework.boot.jdbc.autoconfigure."
                + "LazyConnectionDataSourceConfiguration", null), "spring.datasource.connection-fetch is Boot 4.1+");
        runner.withPropertyValues("spring.datasource.connection-fetch=lazy").run(context -> {
            DataSource bean = context.getBean(DataSource.class);
            assertFalse(bean instanceof LivenessDataSource, "Boot's lazy proxy wraps ours: " + bean.getClass());
            assertTrue(bean.isWrapperFor(LivenessDataSource.class));
            borrowOnce(context);
            await(() -> tracked(context) == 3, () -> "tracked " + tracked(context));
            assertEquals(Status.UP, poolHealth(context, "dataSource").getStatus());
            assertNotNull(context.getBean(MeterRegistry.class).find("jdbc.liveness.probes").tag("pool", "orders")
                    .functionCounter());
        });
    }

    @Test
    void withoutMicrometer_theMetersAreNotConfigured_andTheRestWorks() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        LivenessAutoConfiguration.class, LivenessMetricsAutoConfiguration.class,
                        LivenessHealthAutoConfiguration.class, HealthContributorAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("io.micrometer"))
                .withPropertyValues("spring.datasource.url=" + server.url(),
                        "spring.datasource.driver-class-name=" + StubServer.StubDriver.class.getName(),
                        "jdbc-liveness.keepalive.enabled=false")
                .run(context -> {
                    assertTrue(context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
                    assertFalse(context.containsBean("jdbcLivenessMeterBinder"));
                    assertTrue(context.containsBean("jdbcLivenessHealthContributor"));
                    borrowOnce(context);
                });
    }

    @Test
    void withoutTheHealthModule_orWithTheIndicatorOff_thereIsNoContributor_andTheRestWorks() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        LivenessAutoConfiguration.class, LivenessMetricsAutoConfiguration.class,
                        LivenessHealthAutoConfiguration.class, MetricsAutoConfiguration.class,
                        SimpleMetricsExportAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .withPropertyValues("spring.datasource.url=" + server.url(),
                        "spring.datasource.driver-class-name=" + StubServer.StubDriver.class.getName(),
                        "jdbc-liveness.keepalive.enabled=false")
                .run(context -> {
            assertTrue(context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
            assertFalse(context.containsBean("jdbcLivenessHealthContributor"));
            assertTrue(context.containsBean("jdbcLivenessMeterBinder"));
            borrowOnce(context);
        });
        runner.withPropertyValues("management.health.jdbc-liveness.enabled=false")
                .run(context -> assertFalse(context.containsBean("jdbcLivenessHealthContributor")));
    }

    @Test
    void enabledFalse_turnsOffMetersAndHealthToo() {
        runner.withPropertyValues("jdbc-liveness.enabled=false").run(context -> {
            assertFalse(context.containsBean("jdbcLivenessMeterBinder"));
            assertFalse(context.containsBean("jdbcLivenessHealthContributor"));
        });
    }

    private static void borrowOnce(AssertableApplicationContext context) throws Exception {
        try (Connection c = context.getBean(DataSource.class).getConnection()) {
            assertTrue(c.isValid(1));
        }
    }

    private static int tracked(AssertableApplicationContext context) {
        try {
            return context.getBean(DataSource.class).unwrap(LivenessDataSource.class).stats().tracked();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double evicted(MeterRegistry registry) {
        return registry.find("jdbc.liveness.evictions").tag("pool", "orders").functionCounters().stream()
                .mapToDouble(FunctionCounter::count).sum();
    }

    private static Health poolHealth(AssertableApplicationContext context, String bean) {
        CompositeHealthContributor all = context.getBean("jdbcLivenessHealthContributor",
                CompositeHealthContributor.class);
        return ((HealthIndicator) all.getContributor(bean)).health();
    }
}
