/**
 * jdbc-liveness: a HikariCP {@code DataSource} whose pooled connections tell the truth within a detection budget.
 *
 * <p>The API is the root package {@code io.github.jdbcliveness}, and beside it the Micrometer binder
 * ({@code micrometer}). The engines are not exported. The drivers' socket factories are opened, not exported: a
 * driver instantiates them by class name, and no code compiles against them. The drill kit
 * ({@code jdbc-liveness-junit}) and the command line ({@code jdbc-liveness-cli}) read a JDBC URL the way the engine
 * does, and the kit reads the kernel's socket table the same way too: those two packages are exported to them
 * alone.
 *
 * <p>The drivers and Micrometer are optional ({@code requires static}): each is used only when present.
 */
module io.github.jdbcliveness {
    requires transitive java.sql;
    requires transitive com.zaxxer.hikari;
    requires jdk.net;
    requires java.management;
    requires org.slf4j;

    requires static org.postgresql.jdbc;
    requires static mysql.connector.j;
    requires static org.mariadb.jdbc;
    requires static micrometer.core;

    exports io.github.jdbcliveness;
    exports io.github.jdbcliveness.micrometer;
    exports io.github.jdbcliveness.keepalive to io.github.jdbcliveness.junit, io.github.jdbcliveness.cli;
    exports io.github.jdbcliveness.inflight to io.github.jdbcliveness.junit;

    // pgjdbc, Connector/J and MariaDB Connector/J load socketFactory=<class name> reflectively.
    opens io.github.jdbcliveness.keepalive;
}
