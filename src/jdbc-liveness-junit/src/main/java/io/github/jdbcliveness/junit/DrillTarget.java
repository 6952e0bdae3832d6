package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.InFlightDrill;

/**
 * The database a drill runs against, the driver it connects with, and the container it runs in when it is one
 * (for container-level faults).
 *
 * @param container   the container's faults, or null when the target is not a container (or they cannot run)
 * @param noContainer why a container target has no container faults, or null
 */
record DrillTarget(DatabaseTarget database, String driver, ContainerFaultsAccess container, String noContainer) {

    DrillTarget(DatabaseTarget database, String driver) {
        this(database, driver, null, null);
    }

    static String defaultDriver(DatabaseTarget.Kind kind) {
        return kind == DatabaseTarget.Kind.POSTGRESQL ? "postgresql" : "mariadb";
    }

    String describe() {
        String address = container == null ? "" : ", on the container's own address " + database.host() + ":"
                + database.port() + " (Docker's port proxy would answer keepalives for a published port)";
        return describeServer() + address;
    }

    private String describeServer() {
        return (database.kind() == DatabaseTarget.Kind.POSTGRESQL ? "PostgreSQL" : "MySQL protocol") + " ("
                + (container != null || noContainer != null ? "testcontainers" : database.origin()) + ") via "
                + InFlightDrill.driverName(driver);
    }
}
