package io.github.jdbcliveness.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.pool.StubServer;
import java.sql.Connection;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The jdbcliveness actuator endpoint: there only when exposed, and its lever evicts through the pool's own call. */
class LivenessEndpointTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, LivenessAutoConfiguration.class,
                    LivenessEndpointAutoConfiguration.class));

    private static String[] stub(StubServer server) {
        return new String[] {"spring.datasource.url=" + server.url(),
            "spring.datasource.driver-class-name=" + StubServer.StubDriver.class.getName(),
            "spring.datasource.hikari.maximum-pool-size=2", "jdbc-liveness.detection-budget=6s"};
    }

    @Test
    void notExposed_noEndpoint() {
        runner.withPropertyValues(stub(StubServer.start()))
                .run(context -> assertFalse(context.containsBean("jdbcLivenessEndpoint")));
    }

    @Test
    void exposed_listsThePool_andEvictsAll_gently() {
        StubServer server = StubServer.start();
        runner.withPropertyValues(stub(server)).withPropertyValues("spring.jmx.enabled=true",
                "management.endpoints.jmx.exposure.include=jdbcliveness").run(context -> {
                    LivenessEndpoint endpoint = context.getBean(LivenessEndpoint.class);
                    LivenessDataSource ds = context.getBean(DataSource.class).unwrap(LivenessDataSource.class);
                    try (Connection c = ds.getConnection()) {
                        assertTrue(c.isValid(1));
                    }
                    StubServer.await(() -> ds.stats().tracked() == 2, () -> ds.stats().toString());
                    assertEquals(Map.of("pool", ds.poolName(), "connections", 2, "hostDown", false),
                            endpoint.pools().get("dataSource"));
                    assertEquals(2, endpoint.evictAll("dataSource").get("evicted"));
                    assertEquals("dataSource (nope) is not a jdbc-liveness pool; there are [dataSource]",
                            assertThrows(IllegalArgumentException.class, () -> endpoint.evictAll("nope"))
                                    .getMessage());
                });
    }
}
