package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import io.github.jdbcliveness.pool.BorrowWaiters;
import io.github.jdbcliveness.pool.PoolBinding;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLTransientConnectionException;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
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
 * Keepalive, the in-flight watchdog and the borrow-time socket check need the driver's socket, which jdbc-liveness
 * sees for pgjdbc, MySQL Connector/J and MariaDB Connector/J. Any other driver starts all the same and gets the
 * heartbeats, eviction and host verdicts; {@link LivenessStats#off()} says which layers are off and why.
 * HikariCP stays in charge of pooling: {@code unwrap(HikariDataSource.class)} returns it, for metrics and health.
 *
 * <p>How it hooks in: HikariCP opens its physical connections through a data source of ours, and marks each lease
 * with JDBC request boundaries ({@code beginRequest}/{@code endRequest}), which jdbc-liveness switches on for this
 * pool while it starts it. HikariCP's own keepalive is kept at its 30 s floor but answered from the heartbeat's
 * knowledge, without a round-trip.
 */
public final class LivenessDataSource implements DataSource, AutoCloseable {

    /** The keepalive period jdbc-liveness sets only when HikariCP would otherwise schedule no task per entry. */
    static final long HIKARI_KEEPALIVE_FLOOR_MS = TimeUnit.SECONDS.toMillis(30);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LivenessDataSource.class);

    private final HikariDataSource hikari;
    private final PoolBinding binding;
    /** A lock, not a monitor: a virtual-thread borrower waiting for the first connection must not pin its carrier. */
    private final ReentrantLock startLock = new ReentrantLock();
    private volatile boolean started;
    private final boolean validateOnBorrow;
    /** Made once: a borrow allocates nothing of ours. */
    private final BorrowWaiters.Borrow fromPool;
    private final BooleanSupplier nothingIdle = this::nothingIdle;

    private LivenessDataSource(HikariDataSource hikari, PoolBinding binding, boolean started) {
        this.hikari = hikari;
        this.binding = binding;
        this.started = started;
        this.fromPool = hikari::getConnection;
        this.validateOnBorrow = binding.validatesOnBorrow();
    }

    /**
     * Builds and starts a pool from {@code hikariConfig} (which is copied, not changed). As with
     * {@code new HikariDataSource(config)}, {@code initializationFailTimeout} decides whether a database that cannot
     * be reached fails the start.
     *
     * @throws IllegalArgumentException for a configuration jdbc-liveness cannot work with: no {@code jdbcUrl}, a
     *                                  {@code dataSource}/{@code dataSourceClassName} of its own, a driver whose
     *                                  sockets jdbc-liveness cannot see when keepalive or the watchdog is asked for
     *                                  explicitly ({@link LivenessConfig#keepaliveRequired()}), a conflicting driver
     *                                  setting
     */
    public static LivenessDataSource create(HikariConfig hikariConfig, LivenessConfig config) {
        Objects.requireNonNull(hikariConfig, "hikariConfig");
        Objects.requireNonNull(config, "config");
        HikariConfig copy = new HikariConfig();
        hikariConfig.copyStateTo(copy);
        PoolBinding binding = install(copy, config);
        try {
            HikariDataSource pool;
            binding.startOpen();
            try {
                pool = new HikariDataSource(copy);
            } finally {
                binding.startDone();
            }
            binding.attach(pool);
            return new LivenessDataSource(pool, binding, true);
        } catch (RuntimeException e) {
            binding.close();
            throw e;
        }
    }

    /**
     * Builds and starts a pool from HikariCP properties with {@code liveness.*} keys beside HikariCP's own
     * ({@code liveness.detectionBudget=6s}; the README lists the keys). The {@code liveness.*} keys make the
     * {@link LivenessConfig}; every other entry goes to {@code new HikariConfig(properties)} unchanged.
     *
     * @throws IllegalArgumentException naming the key and its value, for an unknown {@code liveness.*} key, a
     *                                  malformed value, or a value out of the setting's bounds; and as
     *                                  {@link #create(HikariConfig, LivenessConfig)} does
     */
    public static LivenessDataSource create(Properties properties) {
        LivenessKeys.Split split = LivenessKeys.split(properties);
        return create(new HikariConfig(split.hikari()), split.liveness());
    }

    /**
     * {@link #create(Properties)} from a properties file, found as {@code new HikariConfig(propertyFileName)} finds
     * it: a path in the file system, else a class-path resource.
     *
     * @throws IllegalArgumentException when there is no such file or resource, and as {@link #create(Properties)}
     */
    public static LivenessDataSource create(String propertyFileName) {
        return create(LivenessKeys.load(propertyFileName));
    }

    /**
     * Takes over a pool that has not started yet (built with {@code new HikariDataSource()} and setters) and installs
     * jdbc-liveness into it. Like the {@code HikariDataSource} itself, the pool starts on the first
     * {@link #getConnection()}: borrow through the returned data source, not the pool, so that it starts with what
     * jdbc-liveness needs.
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
        binding.attach(pool);
        return new LivenessDataSource(pool, binding, false);
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
        if (target.getScheduledExecutor() != null) {
            throw new IllegalArgumentException("HikariConfig.scheduledExecutor (" + target.getScheduledExecutor()
                    .getClass().getName() + ") is set; jdbc-liveness runs HikariCP's housekeeping on an executor of "
                    + "its own (it evicts dead connections through HikariCP's own per-connection tasks): remove it");
        }
        String validationQuery = probeStatement(target, config);
        KeepaliveConnector connector = KeepaliveConnector.create(target.getJdbcUrl(), target.getDataSourceProperties(),
                target.getDriverClassName(), config.keepaliveEnabled() ? config.keepalive() : null,
                config.connectTimeout());
        if (connector.driverKind() == null) {
            refuseDemandedLayers(config, connector);
        }
        if (target.getPoolName() == null) {
            target.validate(); // names the pool; HikariCP validates again when it starts
        }
        if (target.getConnectionTimeout() > config.detectionBudget().toMillis()) {
            LOG.warn("{} - connectionTimeout ({} ms) is longer than detectionBudget ({}): while the database cannot be "
                    + "reached, a borrower may wait that long for a new connection; set connectionTimeout below the "
                    + "budget for requests that never wait longer than it", target.getPoolName(),
                    target.getConnectionTimeout(), config.detectionBudget());
        }
        if (target.getMaxLifetime() == 0 && target.getKeepaliveTime() == 0) {
            LOG.info("{} - maxLifetime and keepaliveTime are both 0: jdbc-liveness sets keepaliveTime to {} ms so "
                    + "that HikariCP schedules the per-connection task it evicts dead connections through (HikariCP "
                    + "then asks jdbc-liveness, which answers without a round trip)", target.getPoolName(),
                    HIKARI_KEEPALIVE_FLOOR_MS);
            target.setKeepaliveTime(HIKARI_KEEPALIVE_FLOOR_MS);
        }
        PoolBinding binding = new PoolBinding(target.getPoolName(), config, connector, validationQuery);
        target.setDataSource(binding.dataSource());
        long keepalive = target.getKeepaliveTime();
        long maxLifetime = target.getMaxLifetime();
        boolean keepaliveScheduled = keepalive >= HIKARI_KEEPALIVE_FLOOR_MS && (maxLifetime == 0 || keepalive < maxLifetime);
        target.setScheduledExecutor(binding.housekeeping(target.getThreadFactory(), keepaliveScheduled));
        return binding;
    }

    /**
     * Any driver starts; but a layer that needs the driver's socket, asked for explicitly, is a demand this driver
     * cannot meet, and running without it would be the silent downgrade the user ruled out by asking.
     */
    private static void refuseDemandedLayers(LivenessConfig config, KeepaliveConnector connector) {
        String asked = config.keepaliveRequired()
                ? "keepaliveEnabled (true) is set explicitly"
                : config.watchdogRequired() ? "watchdogEnabled (true) is set explicitly" : null;
        if (asked != null) {
            throw new IllegalArgumentException(asked + ", but jdbc-liveness sees the sockets of "
                    + KeepaliveConnector.SUPPORTED + " only, and the driver for " + connector.redactedUrl() + " is "
                    + connector.driverClassName() + ". Leave it unset to run without keepalive, the watchdog and the "
                    + "borrow-time socket check (heartbeats, eviction and the host verdict still work), or use a "
                    + "driver whose sockets jdbc-liveness sees");
        }
    }

    /**
     * The probe's statement. HikariCP's {@code connectionTestQuery} would run on connections the heartbeat may be
     * probing at that moment, so it becomes the probe's statement instead and HikariCP asks {@code isValid}, which
     * jdbc-liveness answers from what it knows.
     */
    private static String probeStatement(HikariConfig target, LivenessConfig config) {
        String hikariQuery = target.getConnectionTestQuery();
        String ours = config.validationQuery().orElse(null);
        if (hikariQuery == null) {
            return ours;
        }
        if (ours != null && !ours.equals(hikariQuery)) {
            throw new IllegalArgumentException("HikariConfig.connectionTestQuery (" + hikariQuery + ") and "
                    + "LivenessConfig.validationQuery (" + ours + ") differ; jdbc-liveness probes with one statement: "
                    + "set one of them");
        }
        target.setConnectionTestQuery(null);
        return hikariQuery;
    }

    /**
     * A connection from the pool that is not known dead. A dead one drawn from the pool is evicted and the next one
     * tried, within what is left of HikariCP's {@code connectionTimeout}: counted from the start of the borrow with
     * {@code validateOnBorrow} (plus at most one probe timeout for the validation under way when it runs out), and
     * otherwise from when the first dead one was drawn, or from when the borrow began to wait for a probe on it.
     */
    @Override
    public Connection getConnection() throws SQLException {
        // The clock is read only where a deadline is needed: a borrow that draws a live connection, the common case,
        // pays no System.nanoTime() of ours (27 ns on the benchmark machine, where a bare HikariCP borrow is 90 ns).
        long giveUp = validateOnBorrow ? deadline(0) : 0;
        boolean timed = validateOnBorrow;
        // While the host is judged down and HikariCP has nothing to hand out, a new connection cannot come: the
        // borrow fails at once, and a borrower already waiting when the verdict comes is woken to fail the same way.
        Connection c = started ? binding.borrow(fromPool, nothingIdle) : start();
        long waited;
        while ((waited = binding.onBorrow(c, giveUp)) != PoolBinding.USE) {
            if (binding.hostDown()) {
                throw binding.hostDownException(); // the idle ones left are the dead host's
            }
            if (!timed) {
                giveUp = deadline(waited);
                timed = true;
            }
            long left = TimeUnit.NANOSECONDS.toMillis(giveUp - System.nanoTime());
            if (left <= 0) {
                throw new SQLTransientConnectionException(binding.poolName() + " - every connection drawn within "
                        + hikari.getConnectionTimeout() + " ms (connectionTimeout) was dead", "08001");
            }
            HikariPool pool = (HikariPool) hikari.getHikariPoolMXBean();
            c = binding.borrow(() -> pool.getConnection(left), nothingIdle);
        }
        return c;
    }

    /**
     * When a borrow that has waited {@code waitedNanos} so far runs out of {@code connectionTimeout} (read each
     * time: it may change at run time).
     */
    private long deadline(long waitedNanos) {
        return System.nanoTime() - waitedNanos + TimeUnit.MILLISECONDS.toNanos(hikari.getConnectionTimeout());
    }

    private boolean nothingIdle() {
        HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
        return pool == null || pool.getIdleConnections() == 0;
    }

    /** The first borrow from a wrapped pool starts it, with HikariCP's request boundaries on. */
    private Connection start() throws SQLException {
        startLock.lock();
        try {
            if (started) {
                return hikari.getConnection();
            }
            binding.startOpen();
            try {
                Connection first = hikari.getConnection();
                started = true;
                return first;
            } finally {
                binding.startDone();
                if (hikari.getHikariPoolMXBean() != null) {
                    started = true;
                }
            }
        } finally {
            startLock.unlock();
        }
    }

    /** Not supported, as in HikariCP: credentials belong to the pool's configuration. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("LivenessDataSource.getConnection(user, password) is not "
                + "supported; set username and password on the HikariConfig");
    }

    /** HikariCP's pool name: the {@code pool} tag of the meters, the name in logs and health. */
    public String poolName() {
        return binding.poolName();
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

    /**
     * Unwraps to the {@link HikariDataSource} for every type it is (so {@code unwrap(DataSource.class)} gives the
     * pool, not this wrapper: Spring Boot derives the data sources of Flyway and Liquibase that way), to this for
     * {@code LivenessDataSource}, or to whatever HikariCP unwraps to.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface == AutoCloseable.class) {
            return iface.cast(this); // closing must end jdbc-liveness's part too, not only the pool
        }
        if (iface.isInstance(hikari)) {
            return iface.cast(hikari);
        }
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        return hikari.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(hikari) || iface.isInstance(this) || hikari.isWrapperFor(iface);
    }

    @Override
    public String toString() {
        return "LivenessDataSource{" + binding.poolName() + ", " + binding.config() + "}";
    }
}
