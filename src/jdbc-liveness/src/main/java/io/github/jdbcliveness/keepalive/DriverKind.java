package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** The drivers whose sockets we know how to tune, and the connection properties each one needs for it. */
public enum DriverKind {

    PGJDBC("org.postgresql.Driver", "pgjdbc", "PgKeepaliveSocketFactory", 5432, "jdbc:postgresql:") {
        @Override
        Map<String, String> required(KeepaliveSettings settings) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("socketFactory", socketFactory);
            // pgjdbc calls setKeepAlive(tcpKeepAlive) after connect: false (its default) would undo our work.
            m.put("tcpKeepAlive", "true");
            return m;
        }

        @Override
        void carry(Properties props, KeepaliveSettings settings) {
            KeepaliveProperties.write(props, settings);
        }

        /**
         * An idle session gets ErrorResponse ('E', severity FATAL) only as the server ends it:
         * {@code pg_terminate_backend}, {@code idle_session_timeout}, {@code idle_in_transaction_session_timeout},
         * shutdown. NoticeResponse ('N'), NotificationResponse ('A', LISTEN) and ParameterStatus ('S') arrive
         * unasked on healthy sessions and stay for the driver to read.
         */
        @Override
        public boolean unsolicitedDataMeansClosing(int firstByte) {
            return firstByte == 'E';
        }
    },

    CONNECTOR_J("com.mysql.cj.jdbc.Driver", "MySQL Connector/J", "MysqlKeepaliveSocketFactory", 3306, "jdbc:mysql:",
            "jdbc:mysql+srv:") {
        @Override
        Map<String, String> required(KeepaliveSettings settings) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("socketFactory", socketFactory);
            m.put("tcpKeepAlive", "true");
            return m;
        }
    },

    MARIADB("org.mariadb.jdbc.Driver", "MariaDB Connector/J", "MariaDbKeepaliveSocketFactory", 3306, "jdbc:mariadb:") {
        @Override
        Map<String, String> required(KeepaliveSettings settings) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("socketFactory", socketFactory);
            m.put("tcpKeepAlive", "true");
            m.put("tcpKeepIdle", Integer.toString(settings.idleSeconds()));
            m.put("tcpKeepInterval", Integer.toString(settings.intervalSeconds()));
            m.put("tcpKeepCount", Integer.toString(settings.count()));
            return m;
        }
    };

    private final String driverClass;
    private final String displayName;
    final String socketFactory;
    private final int defaultPort;
    private final String[] urlPrefixes;

    /**
     * Whether data the server sent unasked to an idle connection, starting with {@code firstByte}, means the
     * server is closing the session. MySQL's classic protocol (Connector/J, MariaDB Connector/J) sends nothing
     * unasked except the ERR packet before a disconnect (MySQL 8.0.24+ and MariaDB on {@code wait_timeout}, on
     * {@code KILL}), so any such data counts. pgjdbc: see {@link #PGJDBC}.
     *
     * <p>With TLS the first byte is a TLS record type (0x14-0x17), never a protocol message type: on PostgreSQL
     * only the FIN or RST ({@link Peek.State#CLOSED}) is recognised then. On MySQL and MariaDB any record still
     * counts: the server has nothing else to send an idle session, except TLS 1.3 post-handshake messages (session
     * tickets, which the driver's authentication exchange reads long before the connection is pooled, or a rare
     * KeyUpdate), which would cost one needless reconnect, never a dead connection handed out.
     */
    public boolean unsolicitedDataMeansClosing(int firstByte) {
        return firstByte >= 0;
    }

    /**
     * Whether a {@link SocketPeek#peek peek} at an idle connection shows the server closed or is closing it:
     * the connection is known dead and must not be handed out.
     */
    public boolean closing(Peek peek) {
        return switch (peek.state()) {
            case CLOSED -> true;
            case DATA -> unsolicitedDataMeansClosing(peek.firstByte());
            case QUIET, UNKNOWN -> false;
        };
    }

    /**
     * @param socketFactory the simple name of our factory class for this driver, in this package. A name, never a
     *                      class literal: each factory extends its driver's own class, and loading it would fail
     *                      for every user who does not have that driver (a pgjdbc user has no Connector/J).
     * @param urlPrefixes   how the URLs this driver accepts begin, as the driver matches them (case-sensitively)
     */
    DriverKind(String driverClass, String displayName, String socketFactory, int defaultPort,
            String... urlPrefixes) {
        this.driverClass = driverClass;
        this.displayName = displayName;
        this.socketFactory = DriverKind.class.getPackageName() + "." + socketFactory;
        this.defaultPort = defaultPort;
        this.urlPrefixes = urlPrefixes;
    }

    /**
     * Sets the driver's connect timeout, unless the user set one (in the URL or the properties): their value wins.
     * pgjdbc counts seconds, both MySQL-protocol drivers milliseconds. pgjdbc's {@code connectTimeout} bounds only the
     * TCP connect, so it also gets {@code loginTimeout} (the whole login), unless the user set that: against a hung
     * server, whose kernel still completes the handshake, a refill would otherwise wait for the startup's answer for
     * as long as the server hangs. MariaDB Connector/J's {@code connectTimeout} covers its handshake already;
     * Connector/J's does not, and our socket factory passes it on as the handshake's bound
     * ({@link MysqlKeepaliveSocketFactory}).
     */
    void connectTimeout(JdbcUrl url, Properties props, Duration timeout) {
        if (!userSet(url, props, "connectTimeout")) {
            props.setProperty("connectTimeout", this == PGJDBC ? Long.toString(Math.max(1, timeout.toSeconds()))
                    : Long.toString(timeout.toMillis()));
        }
        if (this == PGJDBC && !userSet(url, props, "loginTimeout")) {
            props.setProperty("loginTimeout", Long.toString(Math.max(1, timeout.toSeconds())));
        }
    }

    private static boolean userSet(JdbcUrl url, Properties props, String name) {
        return url.hasParameter(name) || props.stringPropertyNames().stream().anyMatch(k -> k.equalsIgnoreCase(name));
    }

    public String driverClass() {
        return driverClass;
    }

    public String displayName() {
        return displayName;
    }

    /** The port the driver connects to when a URL names a host without one. */
    public int defaultPort() {
        return defaultPort;
    }

    /** The driver a URL's subprotocol names, or null for any other ({@link JdbcUrl#kind()}). */
    static DriverKind ofUrl(String url) {
        for (DriverKind kind : values()) {
            for (String prefix : kind.urlPrefixes) {
                if (url.startsWith(prefix)) {
                    return kind;
                }
            }
        }
        return null;
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

    /**
     * Properties the driver must see when keepalive is left to it: our socket factory only, so the socket is still
     * seen (the in-flight watchdog needs its ports, the borrow check peeks at it), with no keepalive forced.
     */
    private Map<String, String> requiredWithoutKeepalive() {
        return Map.of("socketFactory", socketFactory);
    }

    /** Extra properties that carry the settings to the socket factory, where the driver passes them on. */
    void carry(Properties props, KeepaliveSettings settings) {
    }

    /**
     * The connection properties to hand the driver: the user's, plus ours.
     *
     * @param settings keepalive to tune, or null to leave keepalive to the driver and install only our socket
     *                 factory (so the socket is still seen)
     * @throws IllegalArgumentException when the user already set one of ours to another value (in the
     *                                  properties or in the URL): we never override a user's choice silently
     */
    Properties prepare(JdbcUrl url, Properties user, KeepaliveSettings settings) {
        Map<String, String> urlParams = url.parameters();
        Map<String, String> userProps = new LinkedHashMap<>();
        user.stringPropertyNames().forEach(k -> userProps.put(k.toLowerCase(Locale.ROOT), user.getProperty(k)));
        Properties prepared = new Properties();
        prepared.putAll(user);
        String purpose = settings != null ? "to tune TCP keepalive per socket"
                : "to see each connection's socket (in-flight watchdog, borrow-time close check)";
        for (Map.Entry<String, String> e : (settings != null ? required(settings) : requiredWithoutKeepalive())
                .entrySet()) {
            String key = e.getKey();
            String ours = e.getValue();
            String lower = key.toLowerCase(Locale.ROOT);
            refuseConflict(url, key, ours, urlParams.get(lower), "in the JDBC URL", purpose);
            refuseConflict(url, key, ours, userProps.get(lower), "in the connection properties", purpose);
            prepared.setProperty(key, ours);
        }
        if (settings != null) {
            carry(prepared, settings);
        }
        return prepared;
    }

    private void refuseConflict(JdbcUrl url, String key, String ours, String theirs, String where, String purpose) {
        if (theirs != null && !theirs.equalsIgnoreCase(ours)) {
            throw new IllegalArgumentException(key + " (" + theirs + ") is already set " + where + " for "
                    + url.redacted() + "; jdbc-liveness needs " + key + "=" + ours + " " + purpose + " on "
                    + displayName
                    + (key.equals("socketFactory") ? ": it cannot chain another socket factory, remove yours"
                            : ": remove the setting"));
        }
    }
}
