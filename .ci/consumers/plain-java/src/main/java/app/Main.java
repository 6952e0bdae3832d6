package app;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.KeepaliveSummary;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/** The README's ten lines, on a real PostgreSQL; fails (non-zero exit) on anything a user would not expect. */
public final class Main {

    public static void main(String[] args) throws Exception {
        // What production must not carry: the drill kit, the CLI, JUnit, Spring.
        for (String absent : List.of("io.github.jdbcliveness.junit.Drill", "io.github.jdbcliveness.drill.NftFaults",
                "io.github.jdbcliveness.cli.Main", "org.junit.jupiter.api.Test",
                "org.springframework.boot.SpringApplication")) {
            if (present(absent)) {
                throw new AssertionError(absent + " is on a production class path that has only jdbc-liveness");
            }
        }
        try (EmbeddedPostgres pg = EmbeddedPostgres.start()) {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(pg.getJdbcUrl("postgres", "postgres"));
            hikari.setUsername("postgres");

            LivenessConfig liveness = LivenessConfig.builder()
                    .detectionBudget(Duration.ofSeconds(6))
                    .build();
            LivenessDataSource ds = LivenessDataSource.create(hikari, liveness);

            try (Connection c = ds.getConnection(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                if (rs.getInt(1) != 1) {
                    throw new AssertionError("SELECT 1 returned " + rs.getInt(1));
                }
            }
            KeepaliveSummary keepalive = ds.stats().keepalive();
            if (keepalive == null || keepalive.asRequested() == 0 || keepalive.differing() != 0) {
                throw new AssertionError("keepalive not applied as requested: " + keepalive);
            }
            System.out.println("plain-java: a query on " + ds.stats().tracked() + " tracked connections, keepalive "
                    + keepalive);
            ds.close();
            if (!ds.isClosed()) {
                throw new AssertionError("close() left the pool open");
            }
        }
        System.out.println("plain-java: ok");
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Main.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
