package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessDataSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A real Spring Boot application on embedded PostgreSQL, configured the way users configure one: two
 * {@code jdbc-liveness.*} lines beside {@code spring.datasource.*}, nothing in code. Its pool's ten flows are dropped
 * by nft while it is idle; {@code JdbcTemplate} requests afterwards see no failure and no wait over 1 s, and the
 * evictions show in the {@code jdbc.liveness.*} meters (beside Boot's {@code hikaricp.*}) and in health.
 */
class SpringBootIdleFlowsIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void bootPoolsFlowsDroppedWhileIdle_jdbcTemplateFeelsNothing_andMetersAndHealthShowIt() throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget target = DatabaseTargets.postgres();
        Pools.endAllSessions(target, "postgresql");
        EvictionRecorder recorder = new EvictionRecorder();
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(Map.of(
                        "spring.datasource.url", target.jdbcUrl("postgresql"),
                        "spring.datasource.username", target.username(),
                        "spring.datasource.password", target.password() == null ? "" : target.password(),
                        "spring.datasource.hikari.pool-name", "boot",
                        "spring.datasource.hikari.maximum-pool-size", String.valueOf(POOL),
                        "jdbc-liveness.detection-budget", B.toSeconds() + "s"))
                .run();
                NftFaults faults = NftFaults.open()) {
            DataSource bean = app.getBean(DataSource.class);
            LivenessDataSource ds = assertInstanceOf(LivenessDataSource.class, bean, "Boot's pool is wrapped");
            ds.addListener(recorder);
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            Traffic.Result before = Traffic.run(4, 50, () -> jdbc.queryForObject("SELECT 1", Integer.class));
            assertEquals(0, before.failed(), before.toString());
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));

            List<Integer> flows = Pools.clientPorts(target, "postgresql");
            assertEquals(POOL, flows.size(), "the pool's flows: " + flows);
            faults.dropFlows(target.port(), flows);
            long fault = System.nanoTime();
            List<EvictionRecorder.Eviction> seen = recorder.await(POOL, B.plusSeconds(2));
            long last = seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0);
            assertTrue(seen.size() >= POOL, "evicted " + seen.size() + " of " + POOL);
            assertTrue(last <= B.toNanos(), "last eviction " + last / 1e9 + " s after the fault, budget " + B);

            Pools.parkUntil(fault + B.toNanos());
            Traffic.Result after = Traffic.run(4, 100, () -> jdbc.queryForObject("SELECT 1", Integer.class));
            System.out.printf("Boot app, pool flows dropped while idle: %d evicted, the last %.2f s after the fault;"
                    + " JdbcTemplate afterwards: %s%n", seen.size(), last / 1e9, after);
            assertEquals(0, after.failed(), after.toString());
            assertEquals(0, after.slow(), after.toString());

            MeterRegistry registry = app.getBean(MeterRegistry.class);
            double evictions = registry.find("jdbc.liveness.evictions").tag("pool", "boot").functionCounters()
                    .stream().mapToDouble(FunctionCounter::count).sum();
            Timer latency = registry.find("jdbc.liveness.detection.latency").tag("pool", "boot").timers().stream()
                    .filter(t -> t.count() > 0).findFirst().orElse(null);
            assertTrue(evictions >= POOL, "jdbc.liveness.evictions " + evictions);
            assertNotNull(latency, "jdbc.liveness.detection.latency recorded nothing");
            assertNotNull(registry.find("hikaricp.connections").tag("pool", "boot").gauge(),
                    "Boot's hikaricp.* meters must still be bound");

            Health health = ((HealthIndicator) app.getBean("jdbcLivenessHealthContributor",
                    CompositeHealthContributor.class).getContributor("dataSource")).health();
            System.out.println("Boot app, health jdbcLiveness/dataSource: " + health.getStatus() + " "
                    + health.getDetails());
            System.out.println("Boot app, meters: " + meters(registry));
            assertEquals(Status.UP, health.getStatus());
            assertTrue(((Number) health.getDetails().get("deadConnectionsFound")).longValue() >= POOL,
                    health.toString());
        } finally {
            Pools.killAllSessions(target, "postgresql"); // the dropped flows' sessions: the server never heard
        }
    }

    /** Every jdbc.liveness meter of the pool with a value, for the README. */
    private static Map<String, Object> meters(MeterRegistry registry) {
        Map<String, Object> out = new TreeMap<>();
        for (Meter m : registry.find("jdbc.liveness.evictions").meters()) {
            out.put(m.getId().getName() + m.getId().getTags(), ((FunctionCounter) m).count());
        }
        for (Meter m : registry.getMeters()) {
            if (m.getId().getName().startsWith("jdbc.liveness.") && !m.getId().getName().endsWith("evictions")) {
                m.measure().forEach(ms -> out.put(m.getId().getName() + m.getId().getTags() + ":"
                        + ms.getStatistic(), ms.getValue()));
            }
        }
        return out;
    }
}
