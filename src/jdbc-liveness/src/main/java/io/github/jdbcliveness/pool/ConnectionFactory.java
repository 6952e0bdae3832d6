package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import io.github.jdbcliveness.keepalive.KeepaliveTally;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * What HikariCP opens physical connections through ({@code HikariConfig.setDataSource}): each one through the
 * keepalive connector, wrapped in a {@link TrackedConnection}, registered with the heartbeat, and marked on
 * HikariCP's opening thread so that HikariCP's own tasks for the entry reach it ({@link HousekeepingExecutor}).
 */
final class ConnectionFactory implements DataSource {

    private final PoolBinding binding;
    private final KeepaliveConnector connector;
    private final KeepaliveTally tally;
    private final AtomicLong ids = new AtomicLong();
    /** HikariCP's connects under way. */
    private final java.util.Set<KeepaliveConnector.Attempt> connecting =
            java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile PrintWriter logWriter;
    private volatile int loginTimeout;
    /** What HikariCP passed at its last connect, for the host check's own connection. */
    private volatile String username;
    private volatile String password;

    ConnectionFactory(PoolBinding binding, KeepaliveConnector connector, KeepaliveTally tally) {
        this.binding = binding;
        this.connector = connector;
        this.tally = tally;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return getConnection(null, null);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        HousekeepingExecutor.forgetOpened();
        binding.startReached();
        binding.checkStarted();
        this.username = username;
        this.password = password;
        long start = System.nanoTime();
        KeepaliveConnector.Connected c;
        KeepaliveConnector.Attempt attempt = new KeepaliveConnector.Attempt();
        connecting.add(attempt);
        try {
            c = connector.connect(username, password, attempt);
        } catch (SQLException e) {
            binding.hosts().connectFailed(start, e, attempt);
            throw e;
        } finally {
            connecting.remove(attempt);
        }
        AppliedKeepalive applied = c.applied();
        if (tally != null && applied != null) {
            tally.record(applied);
        }
        String hostKey = applied != null && applied.remote() != null
                ? applied.remote().getAddress().getHostAddress() + ":" + applied.remote().getPort()
                : connector.redactedUrl();
        HostWatch host = binding.hosts().opened(hostKey, applied != null ? applied.remote() : null);
        TrackedConnection t = new TrackedConnection(binding, ids.incrementAndGet(), c.connection(), applied,
                c.socket(), hostKey, System.nanoTime());
        binding.opened(t);
        if (binding.hosts().single()) {
            host.named(hostKey); // the URL's one name becomes the address its connections reach
        }
        host.connected(applied != null ? applied.remote() : null, attempt.tcpConnectNanos());
        host.answered(System.nanoTime());
        HousekeepingExecutor.opened(t);
        return t;
    }

    /**
     * A connection outside the pool, with the credentials HikariCP last gave: the host check's. Not tracked, not
     * registered; the caller closes it.
     */
    Connection openUnpooled(KeepaliveConnector.Attempt attempt) throws SQLException {
        return openUnpooled(connector, attempt);
    }

    /** The same, through {@code to}: one host of a multi-host URL ({@link KeepaliveConnector#onlyHost}). */
    Connection openUnpooled(KeepaliveConnector to, KeepaliveConnector.Attempt attempt) throws SQLException {
        return to.connect(username, password, attempt).connection();
    }

    /**
     * The host was just re-admitted after its path was dead: HikariCP's connects whose TCP handshake began before
     * {@code beganBeforeNanos} and is still under way sent their SYNs into that path, and wait for a retransmission
     * (1 s, then 2 s, ...). Ended now, HikariCP tries again at once and gets through in a round trip, so borrowers
     * waiting for a connection get one. @return how many were ended
     */
    int abortStalledHandshakes(long beganBeforeNanos) {
        int n = 0;
        for (KeepaliveConnector.Attempt a : connecting) {
            n += a.abortHandshakes(beganBeforeNanos);
        }
        return n;
    }

    /** The pool's target, without credentials: the host's name until a connection shows its address. */
    String target() {
        return connector.redactedUrl();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("jdbc-liveness logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "jdbc-liveness connection factory for " + connector.redactedUrl();
    }
}
