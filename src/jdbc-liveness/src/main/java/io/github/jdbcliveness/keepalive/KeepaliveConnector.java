package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveSettings;
import java.net.Socket;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens physical connections through a driver with our socket factory installed, and reads back what the kernel
 * holds for the socket each one ended up on. Internal: users meet it as {@code KeepaliveDataSource}.
 */
public final class KeepaliveConnector {

    private final JdbcUrl url;
    private final Driver driver;
    private final DriverKind kind;
    private final Properties prepared;
    private final KeepaliveSettings settings;

    private KeepaliveConnector(JdbcUrl url, Driver driver, DriverKind kind, Properties prepared,
            KeepaliveSettings settings) {
        this.url = url;
        this.driver = driver;
        this.kind = kind;
        this.prepared = prepared;
        this.settings = settings;
    }

    /**
     * @param driverClassName the driver to use, or null to ask {@link DriverManager} which one accepts the URL
     * @throws IllegalArgumentException for a URL no supported driver accepts, or conflicting user settings
     */
    public static KeepaliveConnector create(String url, Properties properties, String driverClassName,
            KeepaliveSettings settings) {
        Objects.requireNonNull(settings, "keepalive");
        KeepaliveConnector connector = create(url, properties, driverClassName, settings, null);
        if (connector.kind == null) {
            throw new IllegalArgumentException("jdbc-liveness tunes TCP keepalive for " + SUPPORTED + "; the driver "
                    + "for " + connector.url.redacted() + " is " + connector.driver.getClass().getName());
        }
        return connector;
    }

    /** The drivers whose sockets we see, for messages. */
    public static final String SUPPORTED = "pgjdbc, MySQL Connector/J and MariaDB Connector/J";

    /**
     * @param settings       keepalive to install, or null to leave keepalive to the driver: for a supported driver our
     *                       socket factory is still installed (nothing else), so each connection's socket is seen
     *                       ({@link Connected#socket()}, {@link Connected#applied()})
     * @param connectTimeout the driver's connect timeout to set unless the user set one, or null to leave it
     * @return for a driver whose sockets we cannot see, a connector that passes the user's properties on as they are
     *         ({@link #driverKind()} null, {@link #settings()} null, no socket in {@link Connected}), whatever
     *         {@code settings} asked: whether the pool may run so is the caller's decision
     * @throws IllegalArgumentException for a URL no driver accepts, or conflicting user settings (a socket factory of
     *                                  the user's own, even with keepalive off: we cannot chain it)
     */
    public static KeepaliveConnector create(String jdbcUrl, Properties properties, String driverClassName,
            KeepaliveSettings settings, Duration connectTimeout) {
        JdbcUrl url = JdbcUrl.parse(jdbcUrl);
        Driver driver = findDriver(url, driverClassName);
        DriverKind kind = DriverKind.ofDriverClass(driver.getClass().getName());
        Properties user = properties == null ? new Properties() : properties;
        if (kind == null) {
            Properties plain = new Properties();
            plain.putAll(user);
            return new KeepaliveConnector(url, driver, null, plain, null);
        }
        Properties prepared = kind.prepare(url, user, settings);
        if (connectTimeout != null) {
            kind.connectTimeout(url, prepared, connectTimeout);
        }
        return new KeepaliveConnector(url, driver, kind, prepared, settings);
    }

    private static Driver findDriver(JdbcUrl url, String driverClassName) {
        if (driverClassName != null) {
            try {
                Class<?> type = Class.forName(driverClassName, true, KeepaliveConnector.class.getClassLoader());
                Driver driver = (Driver) type.getDeclaredConstructor().newInstance();
                if (!driver.acceptsURL(url.text())) {
                    throw new IllegalArgumentException("driverClassName (" + driverClassName + ") does not accept "
                            + url.redacted());
                }
                return driver;
            } catch (ReflectiveOperationException | ClassCastException | SQLException e) {
                throw new IllegalArgumentException("driverClassName (" + driverClassName
                        + ") could not be loaded as a java.sql.Driver: " + e, e);
            }
        }
        try {
            return DriverManager.getDriver(url.text());
        } catch (SQLException e) {
            throw new IllegalArgumentException("no JDBC driver on the class path accepts " + url.redacted()
                    + " (add the database's JDBC driver; jdbc-liveness sees the sockets of " + SUPPORTED + ")", e);
        }
    }

    /** The driver, or null for one whose sockets we cannot see. */
    public DriverKind driverKind() {
        return kind;
    }

    public String driverName() {
        return kind != null ? kind.displayName() : driverClassName();
    }

    /** The driver's class name, for messages. */
    public String driverClassName() {
        return driver.getClass().getName();
    }

    public KeepaliveSettings settings() {
        return settings;
    }

    /**
     * A driver setting as pgjdbc reads it: the URL's parameter (which wins over a property of the same name), else
     * the properties passed on (HikariCP's {@code dataSourceProperties}); null when it is set in neither.
     * Case-insensitive in the name.
     */
    public String driverSetting(String name) {
        String inUrl = url.parameters().get(name.toLowerCase(java.util.Locale.ROOT));
        if (inUrl != null) {
            return inUrl;
        }
        for (String key : prepared.stringPropertyNames()) {
            if (key.equalsIgnoreCase(name)) {
                return prepared.getProperty(key);
            }
        }
        return null;
    }

    /** The hosts the URL names, in its order (empty when it names none in a form we read). */
    public java.util.List<JdbcUrl.HostPort> hosts() {
        return url.hosts();
    }

    /**
     * The same driver, properties and keepalive, to {@code host} alone ({@link JdbcUrl#onlyHost}): a check of one host
     * of a multi-host URL.
     */
    public KeepaliveConnector onlyHost(JdbcUrl.HostPort host) {
        return new KeepaliveConnector(url.onlyHost(host), driver, kind, prepared, settings);
    }

    /** The URL without credentials or parameters. */
    public String redactedUrl() {
        return url.redacted();
    }

    /**
     * A physical connection, what its socket carries and the socket itself (both null for a driver we do not support
     * or when no socket was seen, e.g. a Unix domain socket): closing the socket frees a thread blocked on a dead path
     * when the driver's own abort cannot; {@link SocketPeek#peek} looks at it at borrow.
     */
    public record Connected(Connection connection, AppliedKeepalive applied, Socket socket) {
    }

    /**
     * What one connect attempt saw on its sockets, also when it failed: whether TCP connected and whether the server
     * sent anything. A server or pooler that refuses with an error (PgBouncer's {@code 08P01}, a TLS alert, "the
     * database system is starting up") has answered, and only our socket can tell that from silence for sure: the
     * driver's exception often carries no cause. Empty for a driver we have no socket for.
     */
    public static final class Attempt {
        private volatile ConnectCapture capture;

        /** Whether our socket factory took part, so that the two answers below mean something. */
        public boolean seen() {
            return capture != null;
        }

        /** Whether a socket of the attempt got connected (the host's TCP answered). */
        public boolean tcpConnected() {
            ConnectCapture c = capture;
            return c != null && c.anyConnected();
        }

        /** How long the attempt's TCP handshake took (about one round trip to the host), or 0. */
        public long tcpConnectNanos() {
            ConnectCapture c = capture;
            return c == null ? 0 : c.tcpConnectNanos();
        }

        /**
         * When the attempt's last TCP handshake completed, as this JVM saw it return ({@link System#nanoTime()}), or 0
         * when none did (or no socket of ours took part).
         */
        public long tcpConnectedAtNanos() {
            ConnectCapture c = capture;
            return c == null ? 0 : c.tcpConnectedAtNanos();
        }

        /**
         * Ends the attempt's TCP handshakes that began before {@code beganBeforeNanos} ({@link System#nanoTime()}) and
         * are still under way (the driver's connect fails at once): a SYN sent into a path that was dead waits for its
         * retransmission (after 1 s, then 2 s, ...), while a new attempt gets through in a round trip.
         * @return how many were ended
         */
        public int abortHandshakes(long beganBeforeNanos) {
            ConnectCapture c = capture;
            return c == null ? 0 : c.abortHandshakes(beganBeforeNanos);
        }

        /**
         * Closes the attempt's sockets, so that the driver's thread stuck on them ends now: an interrupt does not end
         * a platform thread's socket I/O (nor a plain socket's).
         */
        public void closeSockets() {
            ConnectCapture c = capture;
            if (c != null) {
                c.closeAll();
            }
        }

        /**
         * When the last read that got bytes from the server on a socket of the attempt began ({@link System#nanoTime()},
         * at or before the bytes came), or 0.
         */
        public long answeredAtNanos() {
            ConnectCapture c = capture;
            return c == null ? 0 : c.answeredAtNanos();
        }

        /**
         * Since when the driver's read on a socket of the attempt has waited for the server ({@link System#nanoTime()}),
         * or 0 while none waits: a driver that gave up on its login (pgjdbc's {@code loginTimeout}) leaves its read
         * waiting.
         */
        public long readingSinceNanos() {
            ConnectCapture c = capture;
            return c == null ? 0 : c.readingSinceNanos();
        }
    }

    /**
     * Opens a physical connection.
     *
     * @param user     overrides the configured user, when not null
     * @param password overrides the configured password, when not null
     */
    public Connected connect(String user, String password) throws SQLException {
        return connect(user, password, null);
    }

    /**
     * Opens a physical connection, and tells {@code attempt} (if not null) what its sockets saw, whatever the outcome.
     */
    public Connected connect(String user, String password, Attempt attempt) throws SQLException {
        Properties props = new Properties();
        props.putAll(prepared);
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        if (kind == null) {
            Connection plain = driver.connect(url.text(), props);
            if (plain == null) {
                throw new SQLException(driverName() + " did not accept " + url.redacted(), "08001");
            }
            return new Connected(plain, null, null);
        }
        ConnectCapture capture = ConnectCapture.begin(settings);
        if (attempt != null) {
            attempt.capture = capture;
        }
        if (kind == DriverKind.PGJDBC) {
            props.setProperty(ConnectCapture.TOKEN_PROPERTY, Long.toString(capture.token()));
        }
        Connection connection;
        Optional<Socket> socket;
        try {
            connection = driver.connect(url.text(), props);
            socket = capture.connectedSocket();
        } finally {
            capture.end();
        }
        if (connection == null) {
            throw new SQLException(kind.displayName() + " did not accept " + url.redacted(), "08001");
        }
        AppliedKeepalive applied = socket.map(s -> SocketKeepalive.readBack(s, settings)).orElse(null);
        return new Connected(connection, applied, socket.orElse(null));
    }
}
