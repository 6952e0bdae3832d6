package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.DatabaseTarget;

/**
 * The database a drill runs against, the driver it connects with, and the container it runs in when it is one
 * (for container-level faults).
 *
 * @param container the container's faults, or null when the target is not a container
 */
record DrillTarget(DatabaseTarget database, String driver, ContainerFaultsAccess container) {

    static String defaultDriver(DatabaseTarget.Kind kind) {
        return kind == DatabaseTarget.Kind.POSTGRESQL ? "postgresql" : "mariadb";
    }

    String describe() {
        return (database.kind() == DatabaseTarget.Kind.POSTGRESQL ? "PostgreSQL" : "MySQL protocol") + " ("
                + database.origin() + ") via " + switch (driver) {
                    case "postgresql" -> "pgjdbc";
                    case "mysql" -> "MySQL Connector/J";
                    case "mariadb" -> "MariaDB Connector/J";
                    default -> driver;
                };
    }
}
