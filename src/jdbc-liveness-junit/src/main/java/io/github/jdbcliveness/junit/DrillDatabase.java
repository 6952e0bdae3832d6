package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.DatabaseTarget;
import java.util.Properties;

/**
 * The database server under a drill, as a test sees it: where it listens and whom to connect as. For a pool on the
 * fault's path, use {@link Drill#jdbcUrl()} or {@link Drill#hikariConfig(String, int)}, not this address.
 */
public final class DrillDatabase {

    private final DatabaseTarget target;

    DrillDatabase(DatabaseTarget target) {
        this.target = target;
    }

    /** {@code embedded}, {@code testcontainers} or {@code external}. */
    public String origin() {
        return target.origin();
    }

    /** True for PostgreSQL, false for a MySQL-protocol server (MariaDB, MySQL). */
    public boolean isPostgresql() {
        return target.kind() == DatabaseTarget.Kind.POSTGRESQL;
    }

    public String host() {
        return target.host();
    }

    public int port() {
        return target.port();
    }

    public String username() {
        return target.username();
    }

    /** The password, or null when the server asks for none. */
    public String password() {
        return target.password();
    }

    /** User and password as JDBC connection properties. */
    public Properties credentials() {
        return target.credentials();
    }

    @Override
    public String toString() {
        return (isPostgresql() ? "PostgreSQL" : "MySQL protocol") + " (" + origin() + ") at " + host() + ":" + port();
    }
}
