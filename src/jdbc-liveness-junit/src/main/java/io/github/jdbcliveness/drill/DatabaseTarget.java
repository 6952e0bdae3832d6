package io.github.jdbcliveness.drill;

import com.zaxxer.hikari.HikariConfig;
import java.util.Properties;

/**
 * A real database server a drill runs against: embedded, a Testcontainers container, or an external server
 * named by environment variables. Obtain one from {@link DatabaseTargets}.
 */
public interface DatabaseTarget {

    /** The wire protocol family, which decides the JDBC driver and the server-side SQL a drill uses. */
    enum Kind {
        POSTGRESQL, MYSQL
    }

    Kind kind();

    /** How the target came to be: {@code embedded}, {@code testcontainers} or {@code external}. */
    String origin();

    /** JDBC URL for {@code driver} ({@code postgresql}, {@code mysql} for Connector/J, {@code mariadb}). */
    String jdbcUrl(String driver);

    String host();

    /** The TCP port the server listens on; fault drills act on it. */
    int port();

    String username();

    String password();

    /** A HikariCP configuration for this target: pool {@code name} of {@code size} connections through {@code driver}. */
    default HikariConfig hikariConfig(String driver, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl(driver));
        config.setUsername(username());
        config.setPassword(password());
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return config;
    }

    /** User and password as connection properties. */
    default Properties credentials() {
        Properties p = new Properties();
        p.setProperty("user", username());
        if (password() != null) {
            p.setProperty("password", password());
        }
        return p;
    }
}
