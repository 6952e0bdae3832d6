package io.github.jdbcliveness.drill;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.JdbcDatabaseContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Testcontainers targets, used only when asked for ({@code JDBCLIVENESS_TESTCONTAINERS=true}) and Docker answers.
 * Images are named by {@code JDBCLIVENESS_PG_IMAGE} / {@code JDBCLIVENESS_MYSQL_IMAGE}. Kept thin on purpose:
 * machines without a Docker engine (CI here) run the embedded targets. Note that a kernel fault on the mapped
 * port is not seen through Docker's userland proxy; drills against containers should use the container address.
 */
final class ContainerTargets {

    private ContainerTargets() {
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    static DatabaseTargets.AutoCloseableTarget start(DatabaseTarget.Kind kind) {
        JdbcDatabaseContainer<?> container = kind == DatabaseTarget.Kind.POSTGRESQL
                ? new PostgreSQLContainer(System.getenv().getOrDefault("JDBCLIVENESS_PG_IMAGE", "postgres:17"))
                : new MySQLContainer(System.getenv().getOrDefault("JDBCLIVENESS_MYSQL_IMAGE", "mysql:8.4"));
        container.start();
        return new ContainerTarget(kind, container);
    }

    private record ContainerTarget(Kind kind, JdbcDatabaseContainer<?> container)
            implements DatabaseTargets.AutoCloseableTarget {

        @Override
        public String origin() {
            return "testcontainers";
        }

        @Override
        public String jdbcUrl(String driver) {
            String url = container.getJdbcUrl();
            return "jdbc:" + driver + url.substring(url.indexOf("://"));
        }

        @Override
        public String host() {
            return container.getHost();
        }

        @Override
        public int port() {
            return container.getFirstMappedPort();
        }

        @Override
        public String username() {
            return container.getUsername();
        }

        @Override
        public String password() {
            return container.getPassword();
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
