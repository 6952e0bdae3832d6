package io.github.jdbcliveness;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * {@link LivenessDataSource} as a JavaBean, for configuration that sets properties by name: a JNDI resource factory
 * (Tomcat's {@code BeanFactory}), XML bean definitions, a binder. A public no-arg constructor, HikariCP's settings as
 * HikariCP names them, and the liveness settings as {@code String} properties that take what a properties file does
 * ({@code setDetectionBudget("6s")}, {@code setValidateOnBorrow("true")}), parsed and checked the same way. A
 * malformed value fails at its setter; the settings are checked together when the pool starts.
 *
 * <p>Like a {@code HikariDataSource}, it starts on the first {@link #getConnection()}, and from then on every setter
 * throws {@link IllegalStateException}. A start that fails (the database cannot be reached within
 * {@code initializationFailTimeout}, a setting the builder refuses) leaves nothing running and nothing sealed: the
 * next {@code getConnection()} tries again with the settings as they are then. Safe for concurrent use; borrowers
 * that wait for the start wait on a lock, not a monitor, so virtual threads do not pin their carriers.
 */
public final class LivenessDataSourceBean extends LivenessBeanProperties implements DataSource, AutoCloseable {

    /** Listeners added before the start, handed to the pool before its first connection. */
    private final List<LivenessListener> listeners = new ArrayList<>();
    private volatile LivenessDataSource pool;
    private volatile boolean closed;
    /** Under the start lock. */
    private final StartFailures startFailures = new StartFailures();

    public LivenessDataSourceBean() {
    }

    @Override
    void checkSettable(String setting) {
        if (closed) {
            throw new IllegalStateException(setting + " cannot be set: " + this + " is closed");
        }
        if (pool != null) {
            throw new IllegalStateException(setting + " cannot be set once the pool has started (at the first "
                    + "getConnection()): as in HikariCP, the configuration is sealed then");
        }
    }

    /** The first call starts the pool, with the settings as they are; see the class comment. */
    @Override
    public Connection getConnection() throws SQLException {
        LivenessDataSource started = pool;
        return started != null && !closed ? started.getConnection() : start();
    }

    private Connection start() throws SQLException {
        long arrived = System.nanoTime();
        LivenessDataSource started;
        lock.lock();
        try {
            if (closed) {
                throw new SQLException(this + " is closed");
            }
            started = pool;
            if (started == null) {
                startFailures.throwIfWaitedThrough(arrived, poolName());
                // wrap() and a first borrow, not create(): the listeners are in place before the first connection.
                HikariDataSource hikari = new HikariDataSource();
                copyHikariSettingsTo(hikari);
                LivenessDataSource ds = LivenessDataSource.wrap(hikari, livenessConfig());
                listeners.forEach(ds::addListener);
                try {
                    Connection first = ds.getConnection();
                    pool = ds;
                    listeners.clear();
                    return first;
                } catch (SQLException | RuntimeException e) {
                    ds.close();
                    startFailures.failed(e);
                    throw e;
                }
            }
        } finally {
            lock.unlock();
        }
        return started.getConnection(); // another borrower started it while this one waited for the lock
    }

    /** Not supported, as in HikariCP: credentials belong to the pool's configuration. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("LivenessDataSourceBean.getConnection(user, password) is not "
                + "supported; set username and password on the bean");
    }

    /** Closes the pool if it started; a bean closed before it started never starts. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (pool != null) {
                pool.close();
            }
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** What the liveness layers did so far. */
    public LivenessStats stats() {
        return started("stats()").stats();
    }

    /** Adds a listener ({@link LivenessListener}: quick, non-blocking); one added before the start sees it all. */
    public void addListener(LivenessListener listener) {
        Objects.requireNonNull(listener, "listener");
        lock.lock();
        try {
            if (pool != null) {
                pool.addListener(listener);
            } else {
                listeners.add(listener);
            }
        } finally {
            lock.unlock();
        }
    }

    public void removeListener(LivenessListener listener) {
        lock.lock();
        try {
            if (pool != null) {
                pool.removeListener(listener);
            } else {
                listeners.remove(listener);
            }
        } finally {
            lock.unlock();
        }
    }

    private LivenessDataSource started(String what) {
        LivenessDataSource started = pool;
        if (started == null) {
            throw new IllegalStateException(what + " needs the pool, which starts at the first getConnection(); "
                    + this + " has not started");
        }
        return started;
    }

    /**
     * Once started: to this bean only for {@code LivenessDataSourceBean}, to the {@link LivenessDataSource} for that
     * type, and otherwise as the {@code HikariDataSource} unwraps, so {@code unwrap(DataSource.class)} and
     * {@code unwrap(HikariDataSource.class)} return HikariCP's pool. Before the start there is no pool: only the types
     * this bean is.
     */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        LivenessDataSource started = pool;
        if (iface == LivenessDataSourceBean.class || started == null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (started == null) {
            throw new SQLException(this + " has not started, so it wraps no pool yet: unwrap(" + iface.getName()
                    + ") works after the first getConnection()");
        }
        if (iface == LivenessDataSource.class) {
            return iface.cast(started);
        }
        return started.unwrap(HikariDataSource.class).unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        LivenessDataSource started = pool;
        if (iface == LivenessDataSourceBean.class || started == null) {
            return iface.isInstance(this);
        }
        return iface == LivenessDataSource.class || started.unwrap(HikariDataSource.class).isWrapperFor(iface);
    }

    /** As in {@code HikariDataSource}: the pool's once started, null before. */
    @Override
    public PrintWriter getLogWriter() throws SQLException {
        LivenessDataSource started = pool;
        return started != null ? started.getLogWriter() : null;
    }

    /** As in {@code HikariDataSource}: reaches the pool once started, ignored before. */
    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        LivenessDataSource started = pool;
        if (started != null) {
            started.setLogWriter(out);
        }
    }

    /** As in {@code HikariDataSource}: reaches the pool once started, ignored before. */
    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        LivenessDataSource started = pool;
        if (started != null) {
            started.setLoginTimeout(seconds);
        }
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        LivenessDataSource started = pool;
        return started != null ? started.getLoginTimeout() : 0;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("jdbc-liveness logs through SLF4J");
    }

    @Override
    public String toString() {
        LivenessDataSource started = pool;
        return "LivenessDataSourceBean{" + (started != null ? started : poolName() + ", not started")
                + (closed ? ", closed" : "") + "}";
    }
}
