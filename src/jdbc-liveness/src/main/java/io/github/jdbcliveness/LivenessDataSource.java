package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.github.jdbcliveness.pool.BorrowWaiters;
import io.github.jdbcliveness.pool.HikariInstall;
import io.github.jdbcliveness.pool.OperatorEvictions;
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
import javax.management.ObjectName;
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

    private final HikariDataSource hikari;
    private final PoolBinding binding;
    /** A lock, not a monitor: a virtual-thread borrower waiting for the first connection must not pin its carrier. */
    private final ReentrantLock startLock = new ReentrantLock();
    private volatile boolean started;
    /** Under {@link #startLock}. */
    private final StartFailures startFailures = new StartFailures();
    /** For a pool taken over unstarted ({@link #wrap}): what was installed, checked again when it starts. */
    private final HikariInstall unstarted;
    private final boolean validateOnBorrow;
    /** Made once: a borrow allocates nothing of ours. */
    private final BorrowWaiters.Borrow fromPool;
    private final BooleanSupplier nothingIdle = this::nothingIdle;
    private final OperatorEvictions operator;
    /** The MXBean's name while it is registered (HikariCP's registerMbeans on), else null. */
    private final ObjectName jmxName;

    private LivenessDataSource(HikariDataSource hikari, PoolBinding binding, HikariInstall unstarted) {
        this.hikari = hikari;
        this.binding = binding;
        this.unstarted = unstarted;
        this.started = unstarted == null;
        this.fromPool = hikari::getConnection;
        this.validateOnBorrow = binding.validatesOnBorrow();
        this.operator = new OperatorEvictions(binding, hikari);
        this.jmxName = hikari.isRegisterMbeans() ? LivenessJmx.register(this) : null;
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
        PoolBinding binding = HikariInstall.install(copy, config).binding();
        try {
            HikariDataSource pool;
            binding.startOpen();
            try {
                pool = new HikariDataSource(copy);
            } finally {
                binding.startDone();
            }
            binding.attach(pool);
            return new LivenessDataSource(pool, binding, null);
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
        HikariInstall installed = HikariInstall.install(pool, config);
        installed.binding().attach(pool);
        return new LivenessDataSource(pool, installed.binding(), installed);
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
            if (binding.hostStillDown()) {
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

    /**
     * The first borrow from a wrapped pool starts it, with HikariCP's request boundaries on. Borrowers that waited
     * through a failed start share its failure ({@link StartFailures}), and while the host is judged down they fail at
     * once with its evidence.
     */
    private Connection start() throws SQLException {
        long arrived = System.nanoTime();
        startLock.lock();
        try {
            if (!started) {
                return startNow(arrived);
            }
        } finally {
            startLock.unlock();
        }
        // Started by another borrower meanwhile: borrow as any borrower does, not one at a time under the lock.
        return binding.borrow(fromPool, nothingIdle);
    }

    /** The start itself, under {@link #startLock}. */
    private Connection startNow(long arrived) throws SQLException {
        startFailures.throwIfWaitedThrough(arrived, binding.poolName());
        if (binding.hostStillDown()) {
            throw binding.hostDownException();
        }
        unstarted.beforeStart(hikari);
        binding.startOpen();
        try {
            Connection first = hikari.getConnection();
            started = true;
            return first;
        } catch (SQLException | RuntimeException e) {
            startFailures.failed(e);
            throw e;
        } finally {
            binding.startDone();
            if (hikari.getHikariPoolMXBean() != null) {
                started = true;
            }
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

    /**
     * Evicts every connection of the pool, gently: idle ones close now, a leased one when its borrower returns it, so
     * no running work is cut. HikariCP refills the pool from wherever its URL leads now: the runbook's lever after a
     * failover by DNS or a virtual IP, when a human knows before any probe does. Counted in no
     * {@link EvictionReason}; also a JMX operation ({@link LivenessPoolMXBean}) and, in Spring Boot, the
     * {@code jdbcliveness} actuator endpoint.
     *
     * @return how many connections were open and are now evicted (0 before the pool starts and after it closed)
     */
    public int evictAll() {
        return operator.evictAll();
    }

    /**
     * As {@link #evictAll()}, for the connections to one server only: {@code host} is a host name, an IP address,
     * either with {@code :port}, or {@code [IPv6]:port}. A name is resolved once, now, and matches each of its
     * addresses. Only drivers whose sockets jdbc-liveness sees (pgjdbc, MySQL Connector/J, MariaDB Connector/J) have
     * a server address to match; for others this evicts nothing.
     *
     * @return how many connections were evicted
     * @throws IllegalArgumentException naming {@code host} when it is blank, has a bad port or does not resolve
     */
    public int evictHost(String host) {
        return operator.evictHost(host);
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
            try {
                binding.close();
            } finally {
                LivenessJmx.unregister(jmxName);
            }
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
