package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.heartbeat.HeartbeatEvents;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.github.jdbcliveness.inflight.InflightWatchdog;
import io.github.jdbcliveness.inflight.WatchedLease;
import io.github.jdbcliveness.keepalive.DriverKind;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import io.github.jdbcliveness.keepalive.KeepaliveTally;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one HikariCP pool to the heartbeat, and holds its named parts together: the {@link ConnectionFactory}
 * HikariCP opens physical connections through, the {@link HousekeepingExecutor} that hands HikariCP's own tasks to
 * the {@link Evictor}, the {@link BorrowGuard}, the {@link Verdicts} (what happens once a connection or its host is
 * found dead), and the {@link PoolEvents} (counters and listeners). Internal: users meet it as
 * {@code LivenessDataSource}.
 */
public final class PoolBinding implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolBinding.class);

    private final String poolName;
    private final LivenessConfig config;
    private final String validationQuery;
    private final DriverKind driverKind;
    /** The server role the pool needs, checked after every probe's round trip. */
    private final RoleCheck roleCheck;
    /** HikariCP's exceptionOverride for a pool whose refused writes are evidence of the role, else null. */
    private final ReadOnlyEvidence readOnlyEvidence;
    private final KeepaliveTally tally;
    private final HeartbeatScheduler scheduler;
    private final long intervalNanos;
    private final long probeTimeoutNanos;
    private final PoolEvents events;
    private final Evictor evictor;
    private final Verdicts<TrackedConnection> verdicts;
    private final BorrowGuard<TrackedConnection> guard;
    private final ConnectionFactory factory;
    private final Set<TrackedConnection> live = ConcurrentHashMap.newKeySet();
    /** {@link #live} as the watchdog sees it: a view, walked once per look, never a copy. */
    private final Collection<WatchedLease> watched = new AbstractCollection<>() {
        @Override
        public Iterator<WatchedLease> iterator() {
            Iterator<TrackedConnection> each = live.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return each.hasNext();
                }

                @Override
                public WatchedLease next() {
                    return each.next().watched();
                }
            };
        }

        @Override
        public int size() {
            return live.size();
        }
    };
    private final AtomicBoolean closed = new AtomicBoolean();
    private final InflightWatchdog watchdog;
    private final io.github.jdbcliveness.heartbeat.HeartbeatCore.Periodic watchdogTask;
    private final HeartbeatEvents heartbeatEvents;
    private final HostWatches hosts;
    private final java.util.Map<LivenessStats.Layer, String> off;
    /** Made once: a borrow allocates nothing of ours. */
    private final java.util.function.BooleanSupplier hostDownNow;
    private final java.util.function.BooleanSupplier tryHost;
    private final java.util.function.Supplier<SQLException> downException;
    private final BorrowWaiters waiters = new BorrowWaiters();
    private volatile StartWindow startWindow;
    private volatile boolean startOpened;
    private volatile HousekeepingExecutor housekeeping;

    /**
     * @param roleCheck       the role the pool needs, decided (and refused, if it must be) before anything was
     *                        installed ({@link RoleCheck#of})
     * @param validationQuery the probe's statement (the config's, or HikariCP's {@code connectionTestQuery} moved
     *                        here), or null for the driver's {@code isValid}
     */
    PoolBinding(String poolName, LivenessConfig config, KeepaliveConnector connector, RoleCheck roleCheck,
            String validationQuery) {
        this.poolName = poolName;
        this.config = config;
        this.validationQuery = validationQuery;
        this.driverKind = connector.driverKind();
        this.roleCheck = roleCheck;
        if (roleCheck.describe() != null) {
            LOG.info("{} - probes check the server's role: it must be a {}", poolName, roleCheck.describe());
        }
        // Only when our factory tunes the sockets: with keepalive switched off, or a driver whose sockets we do not
        // see, there is no request to compare with (the stats say which, in off).
        this.tally = connector.settings() != null ? new KeepaliveTally(connector) : null;
        this.intervalNanos = config.heartbeatInterval().toNanos();
        this.probeTimeoutNanos = config.probeTimeout().toNanos();
        this.events = new PoolEvents(poolName);
        this.scheduler = HeartbeatScheduler.acquire();
        this.evictor = new Evictor(poolName, scheduler.maintenance());
        this.verdicts = new Verdicts<>(events, evictor, scheduler::sweep, config.probeTimeout());
        this.readOnlyEvidence = roleCheck.refusalsAreEvidence()
                ? new ReadOnlyEvidence(verdicts, roleCheck.describe()) : null;
        this.guard = new BorrowGuard<>(poolName, events, verdicts, new BorrowGuard.Pool<>() {
            @Override
            public void evictBorrowed(TrackedConnection t, Connection proxy) {
                evictor.evictBorrowed(proxy);
            }

            @Override
            public void runProbe(TrackedConnection t, ProbeCall call) {
                PoolBinding.this.runProbe(t, call);
            }
        }, probeTimeoutNanos, System::nanoTime, config.validateOnBorrow());
        this.factory = new ConnectionFactory(this, connector, tally);
        this.watchdog = config.watchdogEnabled() && driverKind != null
                ? new InflightWatchdog(() -> watched, config.unacknowledgedTimeout().toNanos()) : null;
        this.off = LayersOff.of(config, connector, io.github.jdbcliveness.inflight.ProcNetTcp.available());
        String line = LayersOff.logLine(poolName, off);
        if (line != null && LayersOff.driverBound(off)) {
            LOG.warn(line);
        } else if (line != null) {
            LOG.info(line);
        }
        this.watchdogTask = watchdog == null ? null : scheduler.every(config.watchdogInterval(), watchdog);
        this.hosts = new HostWatches(this, factory, connector, config, scheduler);
        this.hostDownNow = hosts::down;
        this.tryHost = hosts::tryWhileDown;
        this.downException = hosts::downException;
        this.heartbeatEvents = new HeartbeatEvents() {
            @Override
            public void stalled(long lagNanos) {
                events.stalled(Duration.ofNanos(lagNanos));
            }
        };
        scheduler.addListener(heartbeatEvents);
    }

    /** The data source to give HikariCP ({@code HikariConfig.setDataSource}). */
    public DataSource dataSource() {
        return factory;
    }

    /** The housekeeping executor to give HikariCP ({@code HikariConfig.setScheduledExecutor}). */
    public ScheduledExecutorService housekeeping(ThreadFactory hikariThreadFactory, boolean keepaliveScheduled) {
        HousekeepingExecutor h = new HousekeepingExecutor(poolName, hikariThreadFactory, keepaliveScheduled,
                this::startReached);
        this.housekeeping = h;
        evictor.later(h);
        return h;
    }

    /** Whether HikariCP schedules its keepalive task per connection, decided again before a wrapped pool starts. */
    void keepaliveScheduled(boolean scheduled) {
        housekeeping.keepaliveScheduled(scheduled);
    }

    /**
     * Opens the start window ({@link StartWindow}): call right before the code that constructs the HikariCP pool,
     * and {@link #startDone()} after it (in a finally).
     */
    public void startOpen() {
        startWindow = StartWindow.open();
        startOpened = true;
    }

    /** HikariCP's pool constructor got past reading its switch: restore it for everyone else. */
    void startReached() {
        StartWindow w = startWindow;
        if (w != null) {
            w.close();
        }
    }

    /** The pool start returned or threw. */
    public void startDone() {
        startReached();
        HousekeepingExecutor.forgetOpened();
    }

    /** The pool, once it runs: a borrower's eviction goes through it. */
    public void attach(HikariDataSource pool) {
        evictor.attach(pool);
    }

    public String poolName() {
        return poolName;
    }

    public LivenessConfig config() {
        return config;
    }

    public void addListener(LivenessListener l) {
        events.addListener(l);
    }

    public void removeListener(LivenessListener l) {
        events.removeListener(l);
    }

    /** {@link #onBorrow}'s answer for a connection the borrower may use. */
    public static final long USE = BorrowGuard.USE;

    /**
     * Checks a connection HikariCP just handed a borrower.
     *
     * @param giveUpNanos when the borrower's {@code connectionTimeout} runs out (read with validate-on-borrow)
     * @return {@link #USE}; or, when it was dead and has been evicted (ask again), how many nanoseconds the borrow
     *         had already waited for a probe on it (0 when it did not), which count against its timeout
     */
    public long onBorrow(Connection proxy, long giveUpNanos) throws SQLException {
        return guard.check(proxy.unwrap(TrackedConnection.class), proxy, giveUpNanos);
    }

    // ---- for the parts ---------------------------------------------------------------------------------------

    PoolEvents events() {
        return events;
    }

    Evictor evictor() {
        return evictor;
    }

    Verdicts<TrackedConnection> verdicts() {
        return verdicts;
    }

    /** Every host is judged down: no borrower waits out its {@code connectionTimeout} for a new connection. */
    void wakeBorrowers() {
        waiters.wakeAll();
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

    ExecutorService maintenance() {
        return scheduler.maintenance();
    }

    Set<TrackedConnection> live() {
        return live;
    }

    /** A connection was opened (on HikariCP's thread). Refused once jdbc-liveness is closed. */
    void opened(TrackedConnection t) throws SQLException {
        if (closed.get()) {
            t.physicalClose().abort();
            throw new SQLException(poolName + " - jdbc-liveness is closed", "08003");
        }
        live.add(t);
        scheduler.register(t.probeTarget());
        events.opened(t.ref(), t.applied());
    }

    /** Refuses a pool started around jdbc-liveness (request boundaries would be off). */
    void checkStarted() throws SQLException {
        if (!startOpened) {
            throw new SQLException(poolName + " - the HikariDataSource was started by a direct getConnection() "
                    + "before jdbc-liveness started it: borrow through the LivenessDataSource (it starts the pool "
                    + "with the request boundaries it needs)", "08001");
        }
    }

    /** Runs a round trip for a waiting caller in the connection's host lane. */
    void runProbe(TrackedConnection t, ProbeCall call) {
        scheduler.probes().execute(HeartbeatScheduler.probeTask(t.hostKey(), call));
    }

    RoleCheck roleCheck() {
        return roleCheck;
    }

    /** See {@link #readOnlyEvidence}: null unless a refused write proves the role wrong. */
    ReadOnlyEvidence readOnlyEvidence() {
        return readOnlyEvidence;
    }

    /** The driver behind the URL, or null for one whose sockets jdbc-liveness does not see. */
    DriverKind driverKind() {
        return driverKind;
    }

    /** Whether the driver's sockets are unknown to us: its own abort() is all there is to end a connection. */
    boolean noSocketDriver() {
        return driverKind == null;
    }

    /** Whether the in-flight watchdog runs for this pool and can read the kernel's socket table. */
    boolean watchdogAvailable() {
        return watchdog != null && watchdog.available();
    }

    HostWatches hosts() {
        return hosts;
    }

    /**
     * When the server last sent bytes on any of the pool's connections, leased ones included
     * ({@link System#nanoTime()}), or 0: an answer to the application's own request is as good an answer as a
     * probe's. Scans every connection; for the rare moment a verdict is weighed, not for the borrow path.
     */
    long lastReceivedNanos(HostWatch on) {
        long latest = 0;
        for (TrackedConnection t : live) {
            if (hosts.of(t.hostKey()) != on) {
                continue;
            }
            long at = t.watched().receivedAtNanos();
            if (at != 0 && (latest == 0 || at - latest > 0)) {
                latest = at;
            }
        }
        return latest;
    }

    /**
     * A borrow from HikariCP that a host-down verdict ends at once: a borrower already waiting for a new connection
     * when the verdict comes fails with {@link #hostDownException()} instead of waiting out {@code connectionTimeout}.
     *
     * @param nothingIdle true when HikariCP has no idle connection to hand out
     */
    public Connection borrow(BorrowWaiters.Borrow borrow, java.util.function.BooleanSupplier nothingIdle)
            throws SQLException {
        return waiters.await(borrow, nothingIdle, hostDownNow, tryHost, downException);
    }

    /** Whether every borrow runs a probe before it is handed out ({@code validateOnBorrow}). */
    public boolean validatesOnBorrow() {
        return guard.validatesOnBorrow();
    }

    /** Whether the pool's host (every host, for a multi-host URL) is judged down now (one volatile read each). */
    public boolean hostDown() {
        return hosts.down();
    }

    /**
     * Whether a borrower that would fail at once because the host is down must fail: the host is down, and the
     * half-open trial ({@link HostWatch#tryWhileDown()}) did not find it back. Every such fast-fail path asks this, so
     * that no borrower fails after a heal that a round trip would have seen.
     */
    public boolean hostStillDown() {
        return hosts.down() && !hosts.tryWhileDown();
    }

    /**
     * What a borrower gets while the host is down and HikariCP has no idle connection to hand out: it would
     * otherwise wait {@code connectionTimeout} for a new connection that cannot come.
     */
    public SQLException hostDownException() {
        return hosts.downException();
    }

    /** HikariCP closed or aborted a connection. */
    void closed(TrackedConnection t, LeaseState.State was) {
        if (t.leftSetup()) {
            evictor.closedAfterSetup();
        }
        live.remove(t);
        scheduler.deregister(t.probeTarget());
        if (was == LeaseState.State.DEAD) {
            events.deadRemoved();
        }
    }

    public LivenessStats stats() {
        return events.stats(live.size(), HeartbeatScheduler.stalls(), scheduler.reprobesAfterStall(),
                tally == null ? null : tally.summary(),
                watchdog == null ? new LivenessStats.Watchdog(false, false, 0, 0, Duration.ZERO)
                        : new LivenessStats.Watchdog(true, watchdog.available(), watchdog.looks(),
                                watchdog.procReads(), Duration.ofNanos(watchdog.procReadMaxNanos())),
                hosts.stats(), hosts.each(), off);
    }

    /**
     * Stops this pool's share of the heartbeat and its housekeeping thread. Call after the pool has closed its
     * connections; aborts already handed to the maintenance threads still run.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        startReached();
        if (watchdogTask != null) {
            watchdogTask.cancel();
        }
        hosts.close();
        HousekeepingExecutor h = housekeeping;
        if (h != null) {
            h.shutdownNow();
        }
        for (TrackedConnection t : live) {
            scheduler.deregister(t.probeTarget());
        }
        scheduler.removeListener(heartbeatEvents);
        scheduler.release();
    }
}
