package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.keepalive.DriverKind;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import io.github.jdbcliveness.keepalive.KeepaliveTally;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.sql.DataSource;

/**
 * A {@link DataSource} of physical connections whose sockets carry tuned TCP keepalive: give it to HikariCP
 * ({@link #install(HikariConfig, KeepaliveSettings)}) and every connection the pool opens is noticed dead within
 * {@code idle + count × interval} while nothing is unacknowledged on it — idle, or a query sent and awaiting its
 * answer.
 *
 * <p>Supports pgjdbc (its {@code socketFactory}, with {@code tcpKeepAlive=true} forced), MySQL Connector/J (a
 * {@code StandardSocketFactory} subclass) and MariaDB Connector/J (its own {@code tcpKeepIdle},
 * {@code tcpKeepInterval}, {@code tcpKeepCount}). A user's own {@code socketFactory} is refused with an error that
 * names it, never silently replaced. After each connect the options are read back from the socket:
 * {@link #applied(Connection)} per connection, {@link #summary()} for all.
 */
public final class KeepaliveDataSource implements DataSource {

    private final KeepaliveConnector connector;
    private final Map<Connection, AppliedKeepalive> applied = Collections.synchronizedMap(new WeakHashMap<>());
    private final KeepaliveTally tally;
    private volatile int loginTimeoutSeconds;
    private volatile PrintWriter logWriter;

    private KeepaliveDataSource(KeepaliveConnector connector) {
        this.connector = connector;
        this.tally = new KeepaliveTally(connector);
    }

    /**
     * @param jdbcUrl    a {@code jdbc:postgresql:}, {@code jdbc:mysql:} or {@code jdbc:mariadb:} URL
     * @param properties connection properties (user, password, driver settings); not modified
     * @throws IllegalArgumentException for a driver we cannot tune, or a setting of the user's that conflicts
     *                                  with ours (a {@code socketFactory} of their own, {@code tcpKeepAlive=false})
     */
    public static KeepaliveDataSource create(String jdbcUrl, Properties properties, KeepaliveSettings settings) {
        return new KeepaliveDataSource(KeepaliveConnector.create(jdbcUrl, properties, null, settings));
    }

    /**
     * Makes a not-yet-started HikariCP configuration open its physical connections through keepalive-tuned
     * sockets: takes its {@code jdbcUrl}, {@code driverClassName} and {@code dataSourceProperties}, and sets the
     * returned data source as its {@code dataSource}. HikariCP keeps passing {@code username}/{@code password}.
     *
     * @throws IllegalArgumentException when the configuration has no {@code jdbcUrl} or already has a
     *                                  {@code dataSource} / {@code dataSourceClassName} of its own
     */
    public static KeepaliveDataSource install(HikariConfig config, KeepaliveSettings settings) {
        Objects.requireNonNull(config, "config");
        if (config.getDataSource() != null) {
            throw new IllegalArgumentException("HikariConfig.dataSource (" + config.getDataSource().getClass().getName()
                    + ") is already set; jdbc-liveness needs the jdbcUrl form to install its socket factory");
        }
        if (config.getDataSourceClassName() != null) {
            throw new IllegalArgumentException("HikariConfig.dataSourceClassName (" + config.getDataSourceClassName()
                    + ") is set; jdbc-liveness needs the jdbcUrl form to install its socket factory");
        }
        if (config.getJdbcUrl() == null) {
            throw new IllegalArgumentException("HikariConfig.jdbcUrl is not set");
        }
        KeepaliveDataSource ds = new KeepaliveDataSource(KeepaliveConnector.create(config.getJdbcUrl(),
                config.getDataSourceProperties(), config.getDriverClassName(), settings));
        config.setDataSource(ds);
        return ds;
    }

    public KeepaliveSettings settings() {
        return connector.settings();
    }

    /** The driver behind the URL, as named in the README's compatibility table. */
    public String driverName() {
        return connector.driverName();
    }

    DriverKind driverKind() {
        return connector.driverKind();
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        KeepaliveConnector.Connected c = connector.connect(username, password);
        tally.record(c.applied());
        if (c.applied() != null) {
            applied.put(c.connection(), c.applied());
        }
        return c.connection();
    }

    /**
     * What the socket of a connection from this data source carries, read back right after connect. Accepts the
     * physical connection or a wrapper of it (a HikariCP proxy).
     */
    public Optional<AppliedKeepalive> applied(Connection connection) throws SQLException {
        Connection c = connection;
        for (int depth = 0; c != null && depth < 8; depth++) {
            AppliedKeepalive a = applied.get(c);
            if (a != null) {
                return Optional.of(a);
            }
            Connection inner = c.isWrapperFor(Connection.class) ? c.unwrap(Connection.class) : null;
            if (inner == c) {
                break;
            }
            c = inner;
        }
        return Optional.empty();
    }

    /** Counts over every connection opened so far. */
    public KeepaliveSummary summary() {
        return tally.summary();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /** Stored for {@link #getLoginTimeout()} as HikariCP's own driver data source does; connect timeouts are the
     *  driver's ({@code connectTimeout}). */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("KeepaliveDataSource logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("KeepaliveDataSource does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "KeepaliveDataSource{" + driverName() + ", " + connector.redactedUrl() + ", " + settings() + "}";
    }
}
