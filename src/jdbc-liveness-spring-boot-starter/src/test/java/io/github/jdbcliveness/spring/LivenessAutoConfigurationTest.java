package io.github.jdbcliveness.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariConfigMXBean;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessDataSourceBean;
import io.github.jdbcliveness.pool.StubServer;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import javax.management.ObjectName;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jmx.JmxAutoConfiguration;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.jdbc.HikariCheckpointRestoreLifecycle;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadata;
import org.springframework.boot.jdbc.metadata.DataSourcePoolMetadataProvider;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The auto-configuration under Boot's own {@code DataSourceAutoConfiguration}, on a real HikariCP and the stub driver:
 * what it wraps and what it leaves alone, that {@code spring.datasource.hikari.*} and {@code jdbc-liveness.*} both
 * arrive, that Boot's unwrap-based features still find the pool, and the startup errors.
 */
class LivenessAutoConfigurationTest {

    private final StubServer server = StubServer.start();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LivenessAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + server.url(),
                    "spring.datasource.driver-class-name=" + StubServer.StubDriver.class.getName(),
                    // the stub driver has no socket to tune
                    "jdbc-liveness.keepalive.enabled=false");

    @Test
    void bootsHikariDataSource_isWrapped_withEverySpringDatasourceHikariSetting_andTheLivenessProperties()
            throws Exception {
        runner.withPropertyValues("spring.datasource.hikari.pool-name=orders", "spring.datasource.hikari"
                + ".maximum-pool-size=3", "spring.datasource.hikari.connection-timeout=1500",
                "spring.datasource.hikari.minimum-idle=1", "jdbc-liveness.detection-budget=6s",
                "jdbc-liveness.heartbeat-interval=1500ms", "jdbc-liveness.watchdog.unacknowledged-timeout=2s")
                .run(context -> {
                    LivenessDataSource ds = assertInstanceOf(LivenessDataSource.class,
                            context.getBean(DataSource.class));
                    HikariDataSource pool = ds.unwrap(HikariDataSource.class);
                    assertEquals("orders", pool.getPoolName());
                    assertEquals(3, pool.getMaximumPoolSize());
                    assertEquals(1, pool.getMinimumIdle());
                    assertEquals(1500, pool.getConnectionTimeout());
                    assertEquals(server.url(), pool.getJdbcUrl());
                    LivenessConfig config = ds.config();
                    assertEquals(Duration.ofSeconds(6), config.detectionBudget());
                    assertEquals(Duration.ofMillis(1500), config.heartbeatInterval());
                    assertEquals(Duration.ofSeconds(2), config.unacknowledgedTimeout());
                    assertFalse(config.keepaliveEnabled());
                    assertSame(config, context.getBean(LivenessConfig.class));
                    assertEquals(0, server.connections.size(), "the pool starts on the first borrow, as Boot's does");
                    try (Connection c = ds.getConnection()) {
                        assertTrue(c.isValid(1));
                    }
                });
    }

    @Test
    void unwrapReachesThePool_forBootsMetadataMetricsJmxCheckpointRestore_andDerivedDataSources() {
        runner.withPropertyValues("spring.datasource.hikari.maximum-pool-size=4").run(context -> {
            DataSource bean = context.getBean(DataSource.class);
            HikariDataSource pool = bean.unwrap(HikariDataSource.class);
            assertSame(pool, DataSourceUnwrapper.unwrap(bean, HikariConfigMXBean.class, HikariDataSource.class));
            assertSame(pool, bean.unwrap(DataSource.class), "unwrap(DataSource) must give the pool, not the wrapper");
            assertSame(pool, bean.unwrap(HikariConfigMXBean.class));
            assertSame(bean, bean.unwrap(LivenessDataSource.class));
            assertFalse(bean instanceof HikariConfigMXBean, "the wrapper must not pose as a HikariCP config");

            // Flyway and Liquibase get a data source derived from the application's.
            try (HikariDataSource derived = assertInstanceOf(HikariDataSource.class,
                    DataSourceBuilder.derivedFrom(bean).build())) {
                assertEquals(server.url(), derived.getJdbcUrl());
            }

            DataSourcePoolMetadata metadata = context.getBeanProvider(DataSourcePoolMetadataProvider.class)
                    .orderedStream().map(p -> p.getDataSourcePoolMetadata(bean)).filter(m -> m != null)
                    .findFirst().orElseThrow();
            assertEquals(4, metadata.getMax());
        });
    }

    @Test
    void checkpointRestore_suspendsAndResumesThePool_throughTheWrapper() throws Exception {
        runner.withPropertyValues("spring.datasource.hikari.allow-pool-suspension=true").run(context -> {
            DataSource bean = context.getBean(DataSource.class);
            try (Connection c = bean.getConnection()) {
                assertTrue(c.isValid(1));
            }
            HikariCheckpointRestoreLifecycle lifecycle = new HikariCheckpointRestoreLifecycle(bean, context);
            assertTrue(lifecycle.isRunning(), "Boot's lifecycle must find the running pool behind the wrapper");
            lifecycle.stop();
            lifecycle.start();
            try (Connection c = bean.getConnection()) {
                assertTrue(c.isValid(1));
            }
        });
    }

    @Test
    void jmx_registersHikarisPoolMBean_asWithoutTheWrapper() {
        runner.withConfiguration(AutoConfigurations.of(JmxAutoConfiguration.class))
                .withPropertyValues("spring.jmx.enabled=true", "spring.datasource.hikari.register-mbeans=true",
                        "spring.datasource.hikari.pool-name=jmx-pool")
                .run(context -> {
                    assertTrue(context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
                    try (Connection c = context.getBean(DataSource.class).getConnection()) {
                        assertTrue(c.isValid(1));
                    }
                    assertTrue(ManagementFactory.getPlatformMBeanServer()
                            .isRegistered(new ObjectName("com.zaxxer.hikari:type=Pool (jmx-pool)")));
                });
    }

    @Test
    void closingTheContext_closesThePool() {
        LivenessDataSource[] seen = new LivenessDataSource[1];
        runner.run(context -> {
            seen[0] = context.getBean(LivenessDataSource.class);
            try (Connection c = seen[0].getConnection()) {
                assertTrue(c.isValid(1));
            }
        });
        assertTrue(seen[0].isClosed());
    }

    @Test
    void enabledFalse_leavesBootsDataSourceAlone() {
        runner.withPropertyValues("jdbc-liveness.enabled=false").run(context -> {
            assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class));
            assertFalse(context.containsBean("jdbcLivenessDataSourcePostProcessor"));
        });
    }

    @Test
    void excludedBeans_areLeftAlone() {
        runner.withPropertyValues("jdbc-liveness.excluded-beans=dataSource")
                .run(context -> assertInstanceOf(HikariDataSource.class, context.getBean(DataSource.class)));
    }

    @Test
    void aLivenessDataSourceOfTheApplicationsOwn_isLeftAlone() {
        runner.withUserConfiguration(OwnPool.class).run(context -> {
            assertSame(context.getBean(OwnPool.class).pool, context.getBean(DataSource.class));
            assertEquals(Duration.ofSeconds(8), context.getBean(LivenessDataSource.class).config().detectionBudget());
        });
    }

    @Test
    void aLivenessConfigBeanOfTheApplicationsOwn_isUsedInsteadOfTheProperties() {
        runner.withUserConfiguration(OwnConfig.class).withPropertyValues("jdbc-liveness.detection-budget=6s")
                .run(context -> assertEquals(Duration.ofSeconds(9),
                        context.getBean(LivenessDataSource.class).config().detectionBudget()));
    }

    @Test
    void aPoolConfiguredWithDataSourceClassName_failsTheStart_namingTheSetting() {
        runner.withPropertyValues("spring.datasource.hikari.data-source-class-name=org.postgresql.ds.PGSimpleDataSource")
                .run(context -> {
                    String message = messages(context.getStartupFailure());
                    assertTrue(message.contains("'dataSource'"), message);
                    assertTrue(message.contains("dataSourceClassName (org.postgresql.ds.PGSimpleDataSource)"),
                            message);
                });
    }

    @Test
    void springDatasourceType_canNameTheJavaBeanForm_whichTheAutoConfigurationLeavesAlone() {
        runner.withPropertyValues("spring.datasource.type=" + LivenessDataSourceBean.class.getName())
                .run(context -> {
                    LivenessDataSourceBean bean = assertInstanceOf(LivenessDataSourceBean.class,
                            context.getBean(DataSource.class));
                    bean.setKeepaliveEnabled("false");
                    try (Connection c = bean.getConnection()) {
                        assertTrue(c.isValid(1));
                    }
                    assertEquals(server.url(), bean.unwrap(HikariDataSource.class).getJdbcUrl());
                });
    }

    @Test
    void withoutHikari_nothingIsConfigured() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LivenessAutoConfiguration.class))
                .withClassLoader(new FilteredClassLoader(HikariDataSource.class))
                .run(context -> {
                    assertTrue(context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
                    assertFalse(context.containsBean("jdbcLivenessDataSourcePostProcessor"));
                    assertTrue(context.getBeansOfType(LivenessConfig.class).isEmpty());
                });
    }

    @Test
    void aBadSetting_failsTheStart_namingThePropertyAndTheValue() {
        runner.withPropertyValues("jdbc-liveness.detection-budget=6s", "jdbc-liveness.heartbeat-interval=5s",
                "jdbc-liveness.probe-timeout=2s").run(context -> {
                    String message = messages(context.getStartupFailure());
                    assertTrue(message.contains("jdbc-liveness.heartbeat-interval (5s)"), message);
                    assertTrue(message.contains("jdbc-liveness.probe-timeout (2s)"), message);
                    assertTrue(message.contains("jdbc-liveness.detection-budget (6s)"), message);
                });
    }

    @Test
    void aBareNumber_inEveryDurationProperty_meansSeconds_andAUnitStillWins() {
        // A bare number used to bind as milliseconds: detection-budget=6 was 6 ms, and heartbeat-interval=2 2 ms.
        runner.withPropertyValues("jdbc-liveness.detection-budget=6", "jdbc-liveness.heartbeat-interval=2",
                "jdbc-liveness.probe-timeout=1", "jdbc-liveness.connect-timeout=1",
                "jdbc-liveness.middlebox-idle-timeout=350", "jdbc-liveness.keepalive.idle=2",
                "jdbc-liveness.keepalive.interval=1", "jdbc-liveness.keepalive.count=3",
                "jdbc-liveness.watchdog.interval=1", "jdbc-liveness.watchdog.unacknowledged-timeout=2")
                .run(context -> {
                    assertTrue(context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
                    LivenessConfig config = context.getBean(LivenessConfig.class);
                    assertEquals(Duration.ofSeconds(6), config.detectionBudget());
                    assertEquals(Duration.ofSeconds(2), config.heartbeatInterval());
                    assertEquals(Duration.ofSeconds(1), config.probeTimeout());
                    assertEquals(Duration.ofSeconds(1), config.connectTimeout());
                    assertEquals(Optional.of(Duration.ofSeconds(350)), config.middleboxIdleTimeout());
                    assertEquals(Duration.ofSeconds(2), config.keepalive().idle());
                    assertEquals(Duration.ofSeconds(1), config.keepalive().interval());
                    assertEquals(Duration.ofSeconds(1), config.watchdogInterval());
                    assertEquals(Duration.ofSeconds(2), config.unacknowledgedTimeout());
                });
        runner.withPropertyValues("jdbc-liveness.detection-budget=6000ms", "jdbc-liveness.probe-timeout=PT0.5S")
                .run(context -> {
                    LivenessConfig config = context.getBean(LivenessConfig.class);
                    assertEquals(Duration.ofSeconds(6), config.detectionBudget());
                    assertEquals(Duration.ofMillis(500), config.probeTimeout());
                });
    }

    @Test
    void aBadKeepalive_failsTheStart_namingTheKeepaliveProperties() {
        // Enabled, or the sum is not checked; the sum fails before the stub driver could refuse the explicit switch.
        runner.withPropertyValues("jdbc-liveness.detection-budget=6s", "jdbc-liveness.keepalive.enabled=true",
                "jdbc-liveness.keepalive.idle=3s", "jdbc-liveness.keepalive.interval=2s",
                "jdbc-liveness.keepalive.count=3").run(context -> {
                    String message = messages(context.getStartupFailure());
                    assertTrue(message.contains("jdbc-liveness.keepalive.idle (3s) + jdbc-liveness.keepalive.count (3)"
                            + " × jdbc-liveness.keepalive.interval (2s) = 9s must be within "
                            + "jdbc-liveness.detection-budget (6s)"), message);
                });
        runner.withPropertyValues("jdbc-liveness.keepalive.idle=1500ms", "jdbc-liveness.keepalive.interval=1s",
                "jdbc-liveness.keepalive.count=3").run(context -> {
                    String message = messages(context.getStartupFailure());
                    assertTrue(message.contains("jdbc-liveness.keepalive.idle (1.5s) must be a whole number of "
                            + "seconds"), message);
                });
        runner.withPropertyValues("jdbc-liveness.keepalive.idle=2s", "jdbc-liveness.keepalive.interval=1s",
                "jdbc-liveness.keepalive.count=0").run(context -> {
                    String message = messages(context.getStartupFailure());
                    assertTrue(message.contains("jdbc-liveness.keepalive.count (0) must be between 1 and 127"),
                            message);
                });
    }

    @Test
    void aDriverWithoutOurSocket_startsWithOnlyTheBudget_butAnExplicitSwitch_failsTheStart_namingTheProperty() {
        ApplicationContextRunner onlyTheBudget = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        LivenessAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + server.url(),
                        "spring.datasource.driver-class-name=" + StubServer.StubDriver.class.getName(),
                        "jdbc-liveness.detection-budget=6s");
        onlyTheBudget.run(context -> {
            LivenessDataSource ds = assertInstanceOf(LivenessDataSource.class, context.getBean(DataSource.class));
            try (Connection c = ds.getConnection()) {
                assertTrue(c.isValid(1));
            }
            assertEquals(3, ds.stats().off().size(), ds.stats().off().toString());
            assertFalse(ds.config().keepaliveRequired() || ds.config().watchdogRequired());
        });
        onlyTheBudget.withPropertyValues("jdbc-liveness.keepalive.enabled=true").run(context -> {
            String message = messages(context.getStartupFailure());
            assertTrue(message.contains("jdbc-liveness.keepalive.enabled (true) is set explicitly"), message);
            assertTrue(message.contains(StubServer.StubDriver.class.getName()), message);
        });
        onlyTheBudget.withPropertyValues("jdbc-liveness.watchdog.enabled=true").run(context -> {
            String message = messages(context.getStartupFailure());
            assertTrue(message.contains("jdbc-liveness.watchdog.enabled (true) is set explicitly"), message);
        });
    }

    @Test
    void bootsDefaultInMemoryH2_withNoUrlAndNoLivenessProperty_isWrapped_andServes() {
        // What PetClinic and most Boot samples run on: no spring.datasource.url, Boot generates an H2 in-memory URL.
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        LivenessAutoConfiguration.class))
                .run(context -> {
                    assertTrue(context.getStartupFailure() == null, () -> "" + context.getStartupFailure());
                    LivenessDataSource ds = assertInstanceOf(LivenessDataSource.class,
                            context.getBean(DataSource.class));
                    assertTrue(ds.unwrap(HikariDataSource.class).getJdbcUrl().startsWith("jdbc:h2:mem:"),
                            ds.unwrap(HikariDataSource.class).getJdbcUrl());
                    try (Connection c = ds.getConnection()) {
                        assertTrue(c.isValid(1));
                    }
                    assertTrue(ds.stats().off().get(io.github.jdbcliveness.LivenessStats.Layer.KEEPALIVE)
                            .contains("org.h2.Driver"), ds.stats().off().toString());
                });
    }

    @Test
    void anIncompleteKeepalive_failsTheStart_namingWhatIsMissing() {
        runner.withPropertyValues("jdbc-liveness.keepalive.idle=2s").run(context -> {
            String message = messages(context.getStartupFailure());
            assertTrue(message.contains("jdbc-liveness.keepalive.interval"), message);
            assertTrue(message.contains("jdbc-liveness.keepalive.count"), message);
        });
    }

    @Test
    void aPoolThatAlreadyStarted_failsTheStart_namingTheBeanAndTheWayOut() {
        runner.withUserConfiguration(StartedPool.class).run(context -> {
            String message = messages(context.getStartupFailure());
            assertTrue(message.contains("'startedPool'"), message);
            assertTrue(message.contains("already running"), message);
            assertTrue(message.contains("jdbc-liveness.excluded-beans"), message);
        });
    }

    @Test
    void propertyDefaults_matchLivenessConfig() {
        LivenessProperties defaults = new LivenessProperties();
        assertEquals(LivenessConfig.DEFAULT_DETECTION_BUDGET, defaults.getDetectionBudget());
        assertEquals(LivenessConfig.defaults().toString(), defaults.toConfig().toString());
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPool {
        final LivenessDataSource pool;

        OwnPool() {
            HikariDataSource hikari = new HikariDataSource();
            hikari.setJdbcUrl(StubServer.start().url());
            hikari.setPoolName("own");
            pool = LivenessDataSource.wrap(hikari, LivenessConfig.builder().detectionBudget(Duration.ofSeconds(8))
                    .keepaliveEnabled(false).build());
        }

        @Bean
        LivenessDataSource ownPool() {
            return pool;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConfig {
        @Bean
        LivenessConfig livenessConfig() {
            return LivenessConfig.builder().detectionBudget(Duration.ofSeconds(9)).keepaliveEnabled(false).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class StartedPool {
        @Bean
        HikariDataSource startedPool() {
            HikariConfig c = new HikariConfig();
            c.setJdbcUrl(StubServer.start().url());
            c.setPoolName("started");
            return new HikariDataSource(c);
        }
    }

    private static String messages(Throwable failure) {
        assertNotNull(failure, "the start should have failed");
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
