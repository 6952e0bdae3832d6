package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import io.github.jdbcliveness.pool.PoolBinding;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * A HikariCP pool whose connections tell the truth, within one detection budget ({@link LivenessConfig}):
 * <ul>
 *   <li>every physical connection's socket carries TCP keepalive derived from the budget;</li>
 *   <li>idle pooled connections are probed ({@code isValid} or the validation query) from one JVM-wide heartbeat that
 *       never goes through the pool's borrow queue and never touches a connection in use;</li>
 *   <li>a connection found dead is aborted and evicted through HikariCP, which refills the pool; a borrower that
 *       draws one already known dead skips it in microseconds instead of waiting for a validation timeout.</li>
 * </ul>
 * HikariCP stays in charge of pooling: {@code unwrap(HikariDataSource.class)} returns it, for metrics and health.
 *
 * <p>How it hooks in: HikariCP opens its physical connections through a data source of ours, and marks each lease
 * with JDBC request boundaries ({@code beginRequest}/{@code endRequest}), which jdbc-liveness switches on for this
 * pool while it starts it. HikariCP's own keepalive is kept at its 30 s floor but answered from the heartbeat's
 * knowledge, without a round-trip.
 */
public final class LivenessDataSource implements DataSource, AutoCloseable {

    /** HikariCP reads it when a pool starts; jdbc-liveness sets it only for the duration of its pools' start. */
    static final String REQUEST_BOUNDARIES = "com.zaxxer.hikari.enableRequestBoundaries";
    /** HikariCP's keepalive floor: below it HikariCP disables its keepalive with a warning. */
    static final long HIKARI_KEEPALIVE_FLOOR_MS = TimeUnit.SECONDS.toMillis(30);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LivenessDataSource.class);

    private final HikariDataSource hikari;
    private final PoolBinding binding;
    private final boolean validateOnBorrow;

    private LivenessDataSource(HikariDataSource hikari, PoolBinding binding) {
        this.hikari = hikari;
        this.binding = binding;
        this.validateOnBorrow = binding.config().validateOnBorrow();
    }

    /**
     * Builds and starts a pool from {@code hikariConfig} (which is copied, not changed).
     *
     * @throws IllegalArgumentException for a configuration jdbc-liveness cannot work with: no {@code jdbcUrl}, a
     *                                  {@code dataSource}/{@code dataSourceClassName} of its own, a driver whose
     *                                  sockets cannot be tuned (with keepalive on), a conflicting driver setting
     */
    public static LivenessDataSource create(HikariConfig hikariConfig, LivenessConfig config) {
        Objects.requireNonNull(hikariConfig, "hikariConfig");
        Objects.requireNonNull(config, "config");
        HikariConfig copy = new HikariConfig();
        hikariConfig.copyStateTo(copy);
        PoolBinding binding = install(copy, config);
        try {
            HikariDataSource pool = withRequestBoundaries(() -> new HikariDataSource(copy));
            binding.attach(pool);
            return new LivenessDataSource(pool, binding);
        } catch (RuntimeException e) {
            binding.close();
            throw e;
        }
    }

    /**
     * Takes over a pool that has not started yet (built with {@code new HikariDataSource()} and setters), installs
     * jdbc-liveness into it and starts it.
     *
     * @throws IllegalStateException when the pool has already started or is closed
     */
    public static LivenessDataSource wrap(HikariDataSource pool, LivenessConfig config) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(config, "config");
        if (pool.isClosed() || pool.getHikariPoolMXBean() != null) {
            throw new IllegalStateException("wrap() needs a HikariDataSource that has not started, but "
                    + pool.getPoolName() + " is " + (pool.isClosed() ? "closed" : "already running")
                    + "; build it with new HikariDataSource() and setters, or use LivenessDataSource.create(config)");
        }
        PoolBinding binding = install(pool, config);
        try {
            withRequestBoundaries(() -> {
                try (Connection first = pool.getConnection()) {
                    return first;
                } catch (SQLException e) {
                    throw new IllegalStateException(pool.getPoolName() + " did not start: " + e.getMessage(), e);
                }
            });
            binding.attach(pool);
            return new LivenessDataSource(pool, binding);
        } catch (RuntimeException e) {
            pool.close();
            binding.close();
            throw e;
        }
    }

    private static PoolBinding install(HikariConfig target, LivenessConfig config) {
        if (target.getDataSource() != null) {
            throw new IllegalArgumentException("HikariConfig.dataSource (" + target.getDataSource().getClass().getName()
                    + ") is already set; jdbc-liveness needs the jdbcUrl form to open physical connections itself");
        }
        if (target.getDataSourceClassName() != null) {
            throw new IllegalArgumentException("HikariConfig.dataSourceClassName (" + target.getDataSourceClassName()
                    + ") is set; jdbc-liveness needs the jdbcUrl form to open physical connections itself");
        }
        if (target.getJdbcUrl() == null) {
            throw new IllegalArgumentException("HikariConfig.jdbcUrl is not set");
        }
        KeepaliveConnector connector = KeepaliveConnector.create(target.getJdbcUrl(), target.getDataSourceProperties(),
                target.getDriverClassName(), config.keepaliveEnabled() ? config.keepalive() : null,
                config.connectTimeout());
        if (target.getPoolName() == null) {
            target.validate(); // names the pool; HikariCP validates again when it starts
        }
        if (target.getConnectionTimeout() > config.detectionBudget().toMillis()) {
            LOG.warn("{} - connectionTimeout ({} ms) is longer than detectionBudget ({}): while the database cannot be "
                    + "reached, a borrower may wait that long for a new connection; set connectionTimeout below the "
                    + "budget for requests that never wait longer than it", target.getPoolName(),
                    target.getConnectionTimeout(), config.detectionBudget());
        }
        PoolBinding binding = new PoolBinding(target.getPoolName(), config, connector);
        target.setDataSource(binding.dataSource());
        long maxLifetime = target.getMaxLifetime();
        target.setKeepaliveTime(maxLifetime == 0 || maxLifetime > HIKARI_KEEPALIVE_FLOOR_MS
                ? HIKARI_KEEPALIVE_FLOOR_MS : 0);
        return binding;
    }

    private static <T> T withRequestBoundaries(Supplier<T> start) {
        synchronized (LivenessDataSource.class) {
            String before = System.getProperty(REQUEST_BOUNDARIES);
            System.setProperty(REQUEST_BOUNDARIES, "true");
            try {
                return start.get();
            } finally {
                if (before == null) {
                    System.clearProperty(REQUEST_BOUNDARIES);
                } else {
                    System.setProperty(REQUEST_BOUNDARIES, before);
                }
            }
        }
    }

    /**
     * A connection from the pool that is not known dead. A dead one drawn from the pool is evicted and the next one
     * tried, within HikariCP's {@code connectionTimeout}. With {@code validateOnBorrow}, each connection also answers
     * a probe (bounded by the probe timeout) before it is handed out.
     */
    @Override
    public Connection getConnection() throws SQLException {
        Connection first = hikari.getConnection();
        return usable(first) ? first : retryAfterDead();
    }

    /** Not known dead, and (in validate-on-borrow mode) answered a probe just now. */
    private boolean usable(Connection c) throws SQLException {
        return binding.onBorrow(c) && (!validateOnBorrow || binding.validateBorrowed(c));
    }

    /** Asks again after a dead connection, within what is left of one connectionTimeout, never a fresh one. */
    private Connection retryAfterDead() throws SQLException {
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hikari.getConnectionTimeout());
        HikariPool pool = (HikariPool) hikari.getHikariPoolMXBean();
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(giveUp - System.nanoTime());
            Connection c = left > 0 ? pool.getConnection(left) : null;
            if (c != null && usable(c)) {
                return c;
            }
            if (System.nanoTime() - giveUp >= 0) {
                throw new SQLTransientConnectionException(binding.poolName() + " - every connection drawn within "
                        + hikari.getConnectionTimeout() + " ms was dead", "08001");
            }
        }
    }

    /** Not supported, as in HikariCP: credentials belong to the pool's configuration. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("LivenessDataSource.getConnection(user, password) is not "
                + "supported; set username and password on the HikariConfig");
    }

    /** What the liveness layers did so far. */
    public LivenessStats stats() {
        return binding.stats();
    }

    public LivenessConfig config() {
        return binding.config();
    }

    /** Adds a listener; see {@link LivenessListener} for the rules (quick, non-blocking). */
    public void addListener(LivenessListener listener) {
        binding.addListener(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(LivenessListener listener) {
        binding.removeListener(listener);
    }

    /** Closes the pool (HikariCP closes idle connections and aborts leased ones), then leaves the heartbeat. */
    @Override
    public void close() {
        try {
            hikari.close();
        } finally {
            binding.close();
        }
    }

    public boolean isClosed() {
        return hikari.isClosed();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return hikari.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        hikari.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        hikari.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return hikari.getLoginTimeout();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return hikari.getParentLogger();
    }

    /** Unwraps to this, to the {@link HikariDataSource}, or to whatever HikariCP unwraps to. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (iface.isInstance(hikari)) {
            return iface.cast(hikari);
        }
        return hikari.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || iface.isInstance(hikari) || hikari.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "LivenessDataSource{" + binding.poolName() + ", " + binding.config() + "}";
    }
}
