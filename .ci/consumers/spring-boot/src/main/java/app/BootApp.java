package app;

import io.github.jdbcliveness.LivenessDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts, and checks what the README promises a Boot application: its pool is wrapped with the budget from
 * application.properties, it serves, its health contributor is UP and its meters are bound.
 */
@SpringBootApplication
public class BootApp {

    public static void main(String[] args) throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
            System.setProperty("spring.datasource.url", pg.getJdbcUrl("postgres", "postgres"));
            System.setProperty("spring.datasource.username", "postgres");
            try (ConfigurableApplicationContext context = SpringApplication.run(BootApp.class, args)) {
                System.out.println("spring-boot: started");
            }
        }
        System.out.println("spring-boot: ok");
    }

    @Bean
    CommandLineRunner check(DataSource dataSource, JdbcTemplate jdbc, MeterRegistry meters,
            ConfigurableApplicationContext context) {
        return args -> {
            LivenessDataSource ds = dataSource.unwrap(LivenessDataSource.class);
            if (!ds.config().detectionBudget().equals(Duration.ofSeconds(6))) {
                throw new AssertionError("jdbc-liveness.detection-budget=6s became " + ds.config().detectionBudget());
            }
            Integer one = jdbc.queryForObject("SELECT 1", Integer.class);
            if (one == null || one != 1) {
                throw new AssertionError("SELECT 1 returned " + one);
            }
            CompositeHealthContributor health = context.getBean("jdbcLivenessHealthContributor",
                    CompositeHealthContributor.class);
            Status status = ((HealthIndicator) health.getContributor("dataSource")).health().getStatus();
            if (!Status.UP.equals(status)) {
                throw new AssertionError("jdbcLiveness health of dataSource: " + status);
            }
            if (meters.find("jdbc.liveness.probes").meters().isEmpty()) {
                throw new AssertionError("no jdbc.liveness.probes meter bound");
            }
            System.out.println("spring-boot: " + dataSource.getClass().getSimpleName() + ", budget "
                    + ds.config().detectionBudget() + ", health " + status + ", "
                    + meters.find("jdbc.liveness.probes").meters().size() + " probe meters");
        };
    }
}
