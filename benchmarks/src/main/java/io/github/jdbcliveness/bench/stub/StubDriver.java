package io.github.jdbcliveness.bench.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * A JDBC driver with no database behind it, for microbenchmarks only: {@code jdbc:stub:<anything>} yields a
 * {@link StubConnection} whose calls return at once, so a benchmark of a pool measures the pool and not the
 * network or a server. It does not pretend to run SQL: every statement answers one row with the integer 1.
 *
 * <p>Registered both ways JDBC expects: through {@code META-INF/services/java.sql.Driver} (found by
 * {@link DriverManager} on first use) and by the static initialiser, for code that loads the class by name.
 */
public final class StubDriver implements Driver {

    /** The URL prefix this driver accepts. */
    public static final String URL_PREFIX = "jdbc:stub:";

    static {
        try {
            DriverManager.registerDriver(new StubDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        // JDBC: null, not an exception, for a URL that belongs to another driver.
        return acceptsURL(url) ? new StubConnection(url) : null;
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(URL_PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        return new DriverPropertyInfo[0];
    }

    @Override
    public int getMajorVersion() {
        return 1;
    }

    @Override
    public int getMinorVersion() {
        return 0;
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("StubDriver does not use java.util.logging");
    }
}
