package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** The drivers whose sockets we know how to tune, and the connection properties each one needs for it. */
public enum DriverKind {

    PGJDBC("org.postgresql.Driver", "pgjdbc") {
        @Override
        Map<String, String> required(KeepaliveSettings settings) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("socketFactory", PgKeepaliveSocketFactory.class.getName());
            // pgjdbc calls setKeepAlive(tcpKeepAlive) after connect: false (its default) would undo our work.
            m.put("tcpKeepAlive", "true");
            return m;
        }

        @Override
        void carry(Properties props, KeepaliveSettings settings) {
            KeepaliveProperties.write(props, settings);
        }
    },

    CONNECTOR_J("com.mysql.cj.jdbc.Driver", "MySQL Connector/J") {
        @Override
        Map<String, String> required(KeepaliveSettings settings) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("socketFactory", MysqlKeepaliveSocketFactory.class.getName());
            m.put("tcpKeepAlive", "true");
            return m;
        }
    },

    MARIADB("org.mariadb.jdbc.Driver", "MariaDB Connector/J") {
        @Override
        Map<String, String> required(KeepaliveSettings settings) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("socketFactory", MariaDbKeepaliveSocketFactory.class.getName());
            m.put("tcpKeepAlive", "true");
            m.put("tcpKeepIdle", Integer.toString(settings.idleSeconds()));
            m.put("tcpKeepInterval", Integer.toString(settings.intervalSeconds()));
            m.put("tcpKeepCount", Integer.toString(settings.count()));
            return m;
        }
    };

    private final String driverClass;
    private final String displayName;

    DriverKind(String driverClass, String displayName) {
        this.driverClass = driverClass;
        this.displayName = displayName;
    }

    /**
     * Sets the driver's connect timeout, unless the user set one (in the URL or the properties): their value wins.
     * pgjdbc counts seconds, both MySQL-protocol drivers milliseconds.
     */
    void connectTimeout(String url, Properties props, Duration timeout) {
        boolean userSet = JdbcUrls.parameters(url).containsKey("connecttimeout")
                || props.stringPropertyNames().stream().anyMatch(k -> k.equalsIgnoreCase("connectTimeout"));
        if (!userSet) {
            props.setProperty("connectTimeout", this == PGJDBC ? Long.toString(Math.max(1, timeout.toSeconds()))
                    : Long.toString(timeout.toMillis()));
        }
    }

    public String driverClass() {
        return driverClass;
    }

    public String displayName() {
        return displayName;
    }

    /** The driver kind of a {@link java.sql.Driver} class name, or null if we cannot tune its sockets. */
    public static DriverKind ofDriverClass(String className) {
        for (DriverKind kind : values()) {
            if (kind.driverClass.equals(className)) {
                return kind;
            }
        }
        return null;
    }

    /** Properties the driver must see, with exactly these values, for keepalive tuning to work. */
    abstract Map<String, String> required(KeepaliveSettings settings);

    /** Extra properties that carry the settings to the socket factory, where the driver passes them on. */
    void carry(Properties props, KeepaliveSettings settings) {
    }

    /**
     * The connection properties to hand the driver: the user's, plus ours.
     *
     * @throws IllegalArgumentException when the user already set one of ours to another value (in the
     *                                  properties or in the URL): we never override a user's choice silently
     */
    Properties prepare(String url, Properties user, KeepaliveSettings settings) {
        Map<String, String> urlParams = JdbcUrls.parameters(url);
        Map<String, String> userProps = new LinkedHashMap<>();
        user.stringPropertyNames().forEach(k -> userProps.put(k.toLowerCase(Locale.ROOT), user.getProperty(k)));
        Properties prepared = new Properties();
        prepared.putAll(user);
        for (Map.Entry<String, String> e : required(settings).entrySet()) {
            String key = e.getKey();
            String ours = e.getValue();
            String lower = key.toLowerCase(Locale.ROOT);
            refuseConflict(url, key, ours, urlParams.get(lower), "in the JDBC URL");
            refuseConflict(url, key, ours, userProps.get(lower), "in the connection properties");
            prepared.setProperty(key, ours);
        }
        carry(prepared, settings);
        return prepared;
    }

    private void refuseConflict(String url, String key, String ours, String theirs, String where) {
        if (theirs != null && !theirs.equalsIgnoreCase(ours)) {
            throw new IllegalArgumentException(key + " (" + theirs + ") is already set " + where + " for "
                    + JdbcUrls.redact(url) + "; jdbc-liveness needs " + key + "=" + ours + " to tune TCP "
                    + "keepalive per socket on " + displayName
                    + (key.equals("socketFactory") ? ": it cannot chain another socket factory, remove yours"
                            : ": remove the setting"));
        }
    }
}
