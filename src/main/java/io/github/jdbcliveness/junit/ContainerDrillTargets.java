package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import org.testcontainers.containers.JdbcDatabaseContainer;

/** A Testcontainers database container as a drill target. The only class of the kit that names Testcontainers. */
final class ContainerDrillTargets {

    private ContainerDrillTargets() {
    }

    static DrillTarget of(Object container, String driver) {
        if (!(container instanceof JdbcDatabaseContainer<?> jdbc)) {
            throw new IllegalArgumentException("container (" + (container == null ? "null"
                    : container.getClass().getName()) + ") must be a started Testcontainers JdbcDatabaseContainer, "
                    + "such as PostgreSQLContainer, MySQLContainer or MariaDBContainer");
        }
        if (!jdbc.isRunning()) {
            throw new IllegalStateException("the container " + jdbc.getDockerImageName() + " is not running: start "
                    + "it first (@Container on a static field, or start())");
        }
        DatabaseTarget db = DatabaseTargets.external(jdbc.getJdbcUrl(), jdbc.getUsername(), jdbc.getPassword());
        return new DrillTarget(db, driver == null ? DrillTarget.defaultDriver(db.kind()) : driver, null);
    }
}
