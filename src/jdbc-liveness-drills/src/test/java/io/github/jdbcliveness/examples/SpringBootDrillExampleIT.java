package io.github.jdbcliveness.examples;

import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.junit.Drill;
import io.github.jdbcliveness.junit.DrillFault;
import io.github.jdbcliveness.junit.FaultKind;
import io.github.jdbcliveness.junit.LivenessDrill;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The drill kit in a Spring Boot test: the application's own pool, wrapped by the auto-configuration from one
 * property line, pointed at the drill's URL so that the fault can reach it. Copy it; in your suite the application
 * class is yours.
 */
@LivenessDrill(database = LivenessDrill.Database.POSTGRESQL, budget = "6s")
class SpringBootDrillExampleIT {

    private static final Duration MARGIN = Duration.ofSeconds(1);

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void theApplicationsPool_noticesAHungServerWithinTheBudget(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.HUNG_SERVER);
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .properties(Map.of(
                        "spring.datasource.url", drill.jdbcUrl(),
                        "spring.datasource.username", drill.target().username(),
                        "spring.datasource.password", drill.target().password() == null ? ""
                                : drill.target().password(),
                        "spring.datasource.hikari.maximum-pool-size", "5",
                        "jdbc-liveness.detection-budget", "6s"))
                .run()) {
            drill.watch(app.getBean(LivenessDataSource.class));
            drill.traffic(4);

            fault.inject();
            drill.assertNoticedWithin(drill.budget());
            fault.keepFor(drill.budget().multipliedBy(2));
            drill.assertEveryRequestEndedWithin(drill.budget().plus(MARGIN));
            fault.heal();
            drill.assertPoolFullWithin(drill.budget());
        }
    }
}
