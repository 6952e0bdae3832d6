package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.heartbeat.HeartbeatEvents;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import io.github.jdbcliveness.keepalive.KeepaliveTally;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one HikariCP pool to the heartbeat: the data source HikariCP opens physical connections through, the
 * registry of those connections, what happens when one is found dead, the borrow-side check, and the counts.
 * Internal: users meet it as {@code LivenessDataSource}.
 */
public final class PoolBinding implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolBinding.class);
    /** How much longer than the probe timeout a borrower waits for a running probe before giving up on it. */
    static final long PROBE_WAIT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String poolName;
    private final LivenessConfig config;
    private final KeepaliveConnector connector;
    private final KeepaliveTally tally;
    private final HeartbeatScheduler scheduler;
    private final long intervalNanos;
    private final long probeTimeoutNanos;
    private final String validationQuery;
    private final String fallbackHostKey;
    private final AtomicLong ids = new AtomicLong();
    private final Set<TrackedConnection> live = ConcurrentHashMap.newKeySet();
    private final List<LivenessListener> listeners = new CopyOnWriteArrayList<>();
    private final HeartbeatEvents heartbeatEvents;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile HikariDataSource hikari;
    private final InflightWatchdog watchdog;
    private final io.github.jdbcliveness.heartbeat.HeartbeatCore.Periodic watchdogTask;

    private final LongAdder probes = new LongAdder();
    private final LongAdder probesPassed = new LongAdder();
    private final LongAdder probeFailures = new LongAdder();
    private final LongAdder probeTimeouts = new LongAdder();
    private final Map<EvictionReason, LongAdder> evictions = new EnumMap<>(EvictionReason.class);
    private final AtomicLong latencyMaxNanos = new AtomicLong();
    private final LongAdder latencySumNanos = new LongAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final AtomicInteger knownDead = new AtomicInteger();
    private final LongAdder borrowsSkippedDead = new LongAdder();
    private final LongAdder borrowWaits = new LongAdder();

    public PoolBinding(String poolName, LivenessConfig config, KeepaliveConnector connector) {
        this.poolName = poolName;
        this.config = config;
        this.connector = connector;
        this.tally = config.keepaliveEnabled() ? new KeepaliveTally(connector) : null;
        this.intervalNanos = config.heartbeatInterval().toNanos();
        this.probeTimeoutNanos = config.probeTimeout().toNanos();
        this.validationQuery = config.validationQuery().orElse(null);
        this.fallbackHostKey = connector.redactedUrl();
        for (EvictionReason r : EvictionReason.values()) {
            evictions.put(r, new LongAdder());
        }
        this.scheduler = HeartbeatScheduler.acquire();
        this.watchdog = config.watchdogEnabled()
                ? new InflightWatchdog(this, config.unacknowledgedTimeout().toNanos()) : null;
        this.watchdogTask = watchdog == null ? null : scheduler.every(config.watchdogInterval(), watchdog);
        this.heartbeatEvents = new HeartbeatEvents() {
            @Override
            public void stalled(long lagNanos) {
                tell(l -> l.onStall(Duration.ofNanos(lagNanos)));
            }
        };
        scheduler.addListener(heartbeatEvents);
    }

    /** The data source to give HikariCP ({@code HikariConfig.setDataSource}). */
    public DataSource dataSource() {
        return new TrackingDataSource();
    }

    /** The pool, once it runs: evictions of idle connections go through it. */
    public void attach(HikariDataSource pool) {
        this.hikari = pool;
    }

    public String poolName() {
        return poolName;
    }

    public LivenessConfig config() {
        return config;
    }

    long intervalNanos() {
        return intervalNanos;
    }

    long probeTimeoutNanos() {
        return probeTimeoutNanos;
    }

    String validationQuery() {
        return validationQuery;
    }

    Executor executor() {
        return scheduler.executor();
    }

    ExecutorService executorService() {
        return scheduler.executor();
    }

    public void addListener(LivenessListener l) {
        listeners.add(l);
    }

    public void removeListener(LivenessListener l) {
        listeners.remove(l);
    }

    /**
     * Checks a connection HikariCP just handed out. False means it was dead (or held by a probe past its deadline):
     * it has been evicted through HikariCP and the caller should ask again.
     *
     * @throws IllegalStateException when HikariCP did not mark the lease (request boundaries are off)
     */
    public boolean onBorrow(Connection proxy) throws SQLException {
        TrackedConnection t = proxy.unwrap(TrackedConnection.class);
        if (t.leasedLive()) {
            if (t.proxy == null) {
                t.proxy = proxy;
            }
            return true;
        }
        LeaseState.State s = t.state.state();
        if (s == LeaseState.State.IDLE) {
            proxy.close();
            throw new IllegalStateException(poolName + " - HikariCP handed out a connection without calling "
                    + "beginRequest(): jdbc-liveness needs HikariCP's request boundaries "
                    + "(com.zaxxer.hikari.enableRequestBoundaries), which it switches on while it starts the pool");
        }
        if (t.markDead()) {
            dead(t, EvictionReason.PROBE_TIMEOUT, null, probeTimeoutNanos, System.nanoTime());
        }
        borrowsSkippedDead.increment();
        tell(l -> l.onBorrowSkippedDead(t.ref()));
        HikariDataSource pool = hikari;
        if (pool != null) {
            pool.evictConnection(proxy);
        }
        return false;
    }

    /**
     * Validates a connection the caller has just leased, with one probe round trip bounded by the probe timeout.
     * False means it was dead: it has been aborted and evicted (and its host swept on a timeout); ask again.
     */
    public boolean validateBorrowed(Connection proxy) throws SQLException {
        TrackedConnection t = proxy.unwrap(TrackedConnection.class);
        long start = System.nanoTime();
        EvictionReason reason;
        Throwable cause = null;
        try {
            if (executorService().submit(t::roundTrip).get(probeTimeoutNanos, TimeUnit.NANOSECONDS)) {
                probesPassed.increment();
                return true;
            }
            reason = EvictionReason.PROBE_FAILED;
        } catch (TimeoutException e) {
            reason = EvictionReason.PROBE_TIMEOUT;
        } catch (ExecutionException e) {
            reason = EvictionReason.PROBE_FAILED;
            cause = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while validating a borrowed connection", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new SQLException(poolName + " - jdbc-liveness is closed", "08003", e);
        }
        if (t.markDead()) {
            dead(t, reason, cause, System.nanoTime() - start, System.nanoTime());
            if (reason == EvictionReason.PROBE_TIMEOUT) {
                scheduler.sweep(t.hostKey(), t);
            }
        }
        borrowsSkippedDead.increment();
        HikariDataSource pool = hikari;
        if (pool != null) {
            pool.evictConnection(proxy);
        }
        return false;
    }

    void borrowWaitedForProbe() {
        borrowWaits.increment();
    }

    void probeStarted() {
        probes.increment();
    }

    void probePassed(TrackedConnection t, long tookNanos) {
        probesPassed.increment();
        tell(l -> l.onProbePassed(t.ref(), Duration.ofNanos(tookNanos)));
    }

    /** A probe run on the caller's thread (HikariCP's borrow-time check of a connection not probed lately). */
    boolean probeInline(TrackedConnection t, long token) {
        long start = System.nanoTime();
        Future<Boolean> probe;
        try {
            probe = executorService().submit(() -> t.probe(token));
        } catch (RuntimeException e) {
            t.probeFailed(token, e, start, System.nanoTime());
            return false;
        }
        try {
            boolean ok = probe.get(probeTimeoutNanos, TimeUnit.NANOSECONDS);
            if (ok) {
                t.probePassed(token, start, System.nanoTime());
            } else {
                t.probeFailed(token, null, start, System.nanoTime());
            }
            return ok;
        } catch (TimeoutException e) {
            t.probeTimedOut(token, start, System.nanoTime());
            scheduler.sweep(t.hostKey(), t);
            return false;
        } catch (ExecutionException e) {
            t.probeFailed(token, e.getCause(), start, System.nanoTime());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.probeFailed(token, e, start, System.nanoTime());
            return false;
        }
    }

    /** The watchdog proved a leased connection's request went into a dead path: abort it, sweep its host. */
    void abortInFlight(TrackedConnection t, String detail, long nowNanos) {
        if (t.markDead()) {
            dead(t, EvictionReason.UNACKNOWLEDGED_DATA, null, detail, 0, nowNanos);
            scheduler.sweep(t.hostKey(), t);
        }
    }

    Set<TrackedConnection> live() {
        return live;
    }

    /** A connection was found dead (it is DEAD already): count it, end it, tell HikariCP, tell listeners. */
    void dead(TrackedConnection t, EvictionReason reason, Throwable cause, long tookNanos, long nowNanos) {
        dead(t, reason, cause, null, tookNanos, nowNanos);
    }

    private void dead(TrackedConnection t, EvictionReason reason, Throwable cause, String detail, long tookNanos,
            long nowNanos) {
        knownDead.incrementAndGet();
        if (reason == EvictionReason.PROBE_TIMEOUT) {
            probeTimeouts.increment();
        } else if (reason == EvictionReason.PROBE_FAILED) {
            probeFailures.increment();
        }
        evictions.get(reason).increment();
        long latency = nowNanos - t.lastAliveNanos();
        latencyMaxNanos.accumulateAndGet(latency, Math::max);
        latencySumNanos.add(latency);
        latencyCount.increment();
        t.abortPhysical();
        LOG.warn("{} - evicted connection {}: {}", poolName, t.ref(),
                detail != null ? detail : describe(reason, cause, tookNanos));
        if (reason != EvictionReason.UNACKNOWLEDGED_DATA) {
            Duration took = Duration.ofNanos(tookNanos);
            tell(l -> l.onProbeFailed(t.ref(), reason, took, cause));
        }
        Connection proxy = t.proxy;
        HikariDataSource pool = hikari;
        if (proxy != null && pool != null) {
            try {
                executor().execute(() -> pool.evictConnection(proxy));
            } catch (RuntimeException e) {
                // shutting down
            }
        }
        tell(l -> l.onEvicted(t.ref(), reason, Duration.ofNanos(latency), nowNanos));
    }

    private String describe(EvictionReason reason, Throwable cause, long tookNanos) {
        if (reason == EvictionReason.PROBE_TIMEOUT) {
            return "probe timeout (no answer within " + config.probeTimeout().toMillis() + " ms)";
        }
        if (cause == null) {
            return "probe failed (the driver says the connection is not valid)";
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        int nl = message.indexOf('\n');
        return "probe failed after " + TimeUnit.NANOSECONDS.toMillis(tookNanos) + " ms: "
                + (nl < 0 ? message : message.substring(0, nl));
    }

    /** HikariCP closed or aborted a connection. */
    void closed(TrackedConnection t, LeaseState.State was) {
        live.remove(t);
        scheduler.deregister(t);
        if (was == LeaseState.State.DEAD) {
            knownDead.decrementAndGet();
        }
    }

    public LivenessStats stats() {
        Map<EvictionReason, Long> byReason = new EnumMap<>(EvictionReason.class);
        evictions.forEach((r, n) -> byReason.put(r, n.sum()));
        long count = latencyCount.sum();
        return new LivenessStats(probes.sum(), probesPassed.sum(), probeFailures.sum(), probeTimeouts.sum(),
                Map.copyOf(byReason), Duration.ofNanos(latencyMaxNanos.get()),
                count == 0 ? Duration.ZERO : Duration.ofNanos(latencySumNanos.sum() / count), knownDead.get(),
                live.size(), borrowsSkippedDead.sum(), borrowWaits.sum(), scheduler.stalls(),
                scheduler.reprobesAfterStall(), tally == null ? null : tally.summary(),
                watchdog == null ? new LivenessStats.Watchdog(false, false, 0, 0, Duration.ZERO)
                        : new LivenessStats.Watchdog(true, watchdog.available(), watchdog.looks.sum(),
                                watchdog.procReads.sum(), Duration.ofNanos(watchdog.procReadMaxNanos.get())));
    }

    private void tell(Consumer<LivenessListener> event) {
        for (LivenessListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("{} - a LivenessListener threw; ignored", poolName, e);
            }
        }
    }

    /** Stops this pool's share of the heartbeat. Call after the pool has closed its connections. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (watchdogTask != null) {
            watchdogTask.cancel();
        }
        for (TrackedConnection t : live) {
            scheduler.deregister(t);
        }
        scheduler.removeListener(heartbeatEvents);
        scheduler.release();
    }

    /** What HikariCP opens physical connections through. */
    private final class TrackingDataSource implements DataSource {
        private volatile PrintWriter logWriter;
        private volatile int loginTimeout;

        @Override
        public Connection getConnection() throws SQLException {
            return getConnection(null, null);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            if (closed.get()) {
                throw new SQLException(poolName + " - jdbc-liveness is closed", "08003");
            }
            KeepaliveConnector.Connected c = connector.connect(username, password);
            if (tally != null) {
                tally.record(c.applied());
            }
            AppliedKeepalive applied = c.applied();
            String hostKey = applied != null && applied.remote() != null
                    ? applied.remote().getAddress().getHostAddress() + ":" + applied.remote().getPort()
                    : fallbackHostKey;
            TrackedConnection t = new TrackedConnection(PoolBinding.this, ids.incrementAndGet(), c.connection(),
                    applied, c.socket(), hostKey, System.nanoTime());
            live.add(t);
            scheduler.register(t);
            ConnectionRef ref = t.ref();
            tell(l -> l.onConnectionOpened(ref, applied));
            return t;
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
            return "jdbc-liveness tracking data source for " + connector.redactedUrl();
        }
    }

}
