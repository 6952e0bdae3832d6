package io.github.jdbcliveness.audit;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The server's own settings as it reported them, in its own units (PostgreSQL: {@code pg_settings.setting} with its
 * unit; MySQL and MariaDB: seconds). A name absent from {@code values} is a setting this server does not have.
 */
public record ServerSettings(Kind kind, String version, Map<String, String> values) {

    public enum Kind {
        POSTGRESQL("PostgreSQL", "sql/postgresql/server-half.sql"),
        MYSQL("MySQL", "sql/mysql/server-half.sql"),
        MARIADB("MariaDB", "sql/mariadb/server-half.sql");

        private final String label;
        private final String script;

        Kind(String label, String script) {
            this.label = label;
            this.script = script;
        }

        public String label() {
            return label;
        }

        /** The server half in {@code sql/}, which takes the budget in seconds. */
        public String script() {
            return script;
        }
    }

    public static final java.util.List<String> POSTGRESQL_NAMES = java.util.List.of("tcp_keepalives_idle",
            "tcp_keepalives_interval", "tcp_keepalives_count", "tcp_user_timeout", "client_connection_check_interval",
            "idle_session_timeout", "idle_in_transaction_session_timeout");
    public static final java.util.List<String> MYSQL_NAMES = java.util.List.of("wait_timeout", "interactive_timeout",
            "net_read_timeout", "net_write_timeout", "tcp_keepalive_time", "tcp_keepalive_interval",
            "tcp_keepalive_probes");

    /** The names this kind of server is asked for. */
    public java.util.List<String> asked() {
        return kind == Kind.POSTGRESQL ? POSTGRESQL_NAMES : MYSQL_NAMES;
    }

    /** A setting in seconds for a name PostgreSQL counts in seconds, MySQL/MariaDB always. */
    Optional<Duration> seconds(String name) {
        return number(name).map(Duration::ofSeconds);
    }

    /** A setting PostgreSQL counts in milliseconds. */
    Optional<Duration> millis(String name) {
        return number(name).map(Duration::ofMillis);
    }

    private Optional<Long> number(String name) {
        String v = values.get(name);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
