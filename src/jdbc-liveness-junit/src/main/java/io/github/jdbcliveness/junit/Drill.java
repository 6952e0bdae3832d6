package io.github.jdbcliveness.junit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.drill.TcpRelay;
import io.github.jdbcliveness.drill.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * One drill, handed to a test by {@link LivenessDrillExtension}: a real database, a fault, the pool under test,
 * optional traffic, assertions in the words of a promise, and a report printed after the test.
 *
 * <pre>{@code
 * DrillFault fault = drill.fault(FaultKind.HUNG_SERVER);   // first: the pool must take the fault's path
 * LivenessDataSource pool = drill.pool(5);                   // nothing but the budget set
 * drill.traffic(4);
 * fault.inject();
 * drill.assertNoticedWithin(drill.budget());
 * fault.heal();
 * drill.assertPoolFullWithin(drill.budget());
 * drill.assertEveryRequestEndedWithin(drill.budget().plusSeconds(1));
 * }</pre>
 *
 * Everything the drill made (fault, relay, pools, traffic threads) is undone and closed after the test, even when
 * it fails.
 */
public final class Drill {

    private final DrillTarget target;
    private final Duration budget;
    private final FaultLayer demandedLayer;
    private final String testName;
    private final DrillRecorder recorder = new DrillRecorder();
    private final List<LivenessDataSource> pools = new ArrayList<>();
    private DrillFault fault;
    private TcpRelay relay;
    private DrillTraffic traffic;
    private LivenessDataSource pool;
    private volatile long fullAt;

    Drill(DrillTarget target, Duration budget, FaultLayer demandedLayer, String testName) {
        this.target = target;
        this.budget = budget;
        this.demandedLayer = demandedLayer;
        this.testName = testName;
    }

    /** The database under the drill. */
    public DrillDatabase target() {
        return new DrillDatabase(target.database());
    }

    /** The detection budget B the drill's pools get. */
    public Duration budget() {
        return budget;
    }

    /**
     * The fault for this drill, on the most real layer this environment allows (or the one the extension was told
     * to demand). A test that needs a layer that cannot run here is skipped with the reason; with
     * {@code JDBCLIVENESS_REQUIRE_FAULTS=true} it fails instead.
     */
    public DrillFault fault(FaultKind kind) {
        return fault(kind, demandedLayer);
    }

    /** The fault on {@code layer}, or null for the most real one; skipped (or failed) when it cannot run here. */
    public DrillFault fault(FaultKind kind, FaultLayer layer) {
        if (fault != null) {
            throw new IllegalStateException("one fault per drill: this one has " + fault.kind() + " already");
        }
        if (!pools.isEmpty()) {
            throw new IllegalStateException("choose the fault before making a pool: the pool's connections must "
                    + "take the path the fault can reach");
        }
        FaultPlan.Choice choice = FaultPlan.choose(kind, layer, target);
        if (choice.layer() == null) {
            String why = kind + (layer == null ? "" : " on " + layer) + " cannot run here: " + choice.reasons();
            if (Boolean.parseBoolean(System.getenv("JDBCLIVENESS_REQUIRE_FAULTS"))) {
                throw new AssertionFailedError(why + " (JDBCLIVENESS_REQUIRE_FAULTS=true)");
            }
            throw new TestAbortedException(why);
        }
        if (choice.layer() == FaultLayer.RELAY) {
            try {
                relay = TcpRelay.start(target.database().host(), target.database().port());
            } catch (IOException e) {
                throw new UncheckedIOException("the drill's relay did not start", e);
            }
        }
        fault = new DrillFault(kind, choice.layer(), FaultPlan.action(kind, choice.layer(), target, relay),
                recorder::reset);
        return fault;
    }

    /**
     * The drill's relay, when its fault is made on {@link FaultLayer#RELAY}: for what the fault kinds do not cover,
     * {@code latency(Duration)} and {@code bandwidth(bytesPerSecond)} of a slow path.
     */
    public Optional<DrillRelay> relay() {
        return Optional.ofNullable(relay).map(DrillRelay::new);
    }

    /** A HikariCP configuration for the target, on the fault's path: pool {@code name} of {@code size}. */
    public HikariConfig hikariConfig(String name, int size) {
        HikariConfig c = target.database().hikariConfig(target.driver(), name, size);
        if (relay != null) {
            c.setJdbcUrl(relay.rewrite(c.getJdbcUrl()));
        }
        return c;
    }

    /**
     * The JDBC URL on the fault's path, for a pool the drill does not make (a Spring Boot application's
     * {@code spring.datasource.url}); then hand the pool to {@link #watch}.
     */
    public String jdbcUrl() {
        return hikariConfig("drill-url", 1).getJdbcUrl();
    }

    /**
     * Makes a pool of yours the drill's pool (a Spring Boot application's {@code DataSource} bean, wrapped by the
     * auto-configuration): the drill listens to it and drives its traffic through it, but leaves closing it to you.
     */
    public LivenessDataSource watch(LivenessDataSource ds) {
        if (pool != null) {
            throw new IllegalStateException("the drill has a pool already: " + pool.poolName());
        }
        ds.addListener(recorder);
        pool = ds;
        awaitFull(ds);
        return ds;
    }

    /** The pool under the drill: {@code size} connections, nothing but the budget set. */
    public LivenessDataSource pool(int size) {
        return pool(hikariConfig("drill-" + testName, size), LivenessConfig.builder().detectionBudget(budget).build());
    }

    /** The pool under the drill, as you configure it (make {@code hikari} with {@link #hikariConfig}). */
    public LivenessDataSource pool(HikariConfig hikari, LivenessConfig config) {
        LivenessDataSource ds = LivenessDataSource.create(hikari, config);
        ds.addListener(recorder);
        pools.add(ds);
        if (pool == null) {
            pool = ds;
        }
        awaitFull(ds);
        return ds;
    }

    /** Starts {@code threads} threads of borrow / {@code SELECT 1} / return on the drill's pool until the test ends. */
    public void traffic(int threads) {
        if (pool == null) {
            throw new IllegalStateException("make the pool first: drill.pool(size)");
        }
        if (traffic != null) {
            throw new IllegalStateException("traffic runs already");
        }
        traffic = new DrillTraffic(pool, threads, testName, recorder);
    }

    /** The pool noticed the fault (an eviction or a host verdict) within {@code limit} of its injection. */
    public void assertNoticedWithin(Duration limit) throws InterruptedException {
        long at = injectedAt();
        long seen = recorder.awaitDetection(at + limit.toNanos());
        if (seen == 0) {
            throw new AssertionFailedError("the pool noticed nothing within " + seconds(limit.toNanos())
                    + " of the fault (" + fault.kind() + " on " + fault.layer() + ")");
        }
        long took = Math.max(0, seen - at);
        if (took > limit.toNanos()) {
            throw new AssertionFailedError("noticed " + seconds(took) + " after the fault, over " + seconds(
                    limit.toNanos()));
        }
    }

    /** After the heal, the pool holds its full size again within {@code limit} (waits for it). */
    public void assertPoolFullWithin(Duration limit) {
        long healed = fault == null ? 0 : fault.healedAtNanos();
        if (healed == 0) {
            throw new IllegalStateException("heal the fault first: fault.heal()");
        }
        HikariDataSource hikari = hikari();
        int size = hikari.getMaximumPoolSize();
        if (!Waits.awaitTotal(hikari, size, healed + limit.toNanos())) {
            throw new AssertionFailedError("the pool holds " + hikari.getHikariPoolMXBean().getTotalConnections()
                    + " of " + size + " connections " + seconds(System.nanoTime() - healed) + " after the heal");
        }
        fullAt = System.nanoTime();
    }

    /** Every request of the drill's traffic so far, failed or not, ended within {@code limit}; none waits longer. */
    public void assertEveryRequestEndedWithin(Duration limit) {
        long slowest = requireTraffic().slowestNanos();
        if (slowest > limit.toNanos()) {
            throw new AssertionFailedError("a request took " + seconds(slowest) + ", over " + seconds(limit.toNanos()));
        }
    }

    /** At most {@code n} requests of the drill's traffic failed. */
    public void assertFailedAtMost(long n) {
        DrillTraffic t = requireTraffic();
        if (t.failed() > n) {
            throw new AssertionFailedError(t.failed() + " of " + t.requests() + " requests failed, more than " + n
                    + "; the first: " + t.firstError());
        }
    }

    /** No borrow of the drill's traffic that got a connection waited longer than {@code limit} for it. */
    public void assertNoBorrowWaitedLongerThan(Duration limit) {
        long slowest = requireTraffic().slowestBorrowNanos();
        if (slowest > limit.toNanos()) {
            throw new AssertionFailedError("a borrow waited " + seconds(slowest) + ", over "
                    + seconds(limit.toNanos()));
        }
    }

    /** What the drill saw so far, as printed after the test. */
    public String report() {
        return DrillReport.format(testName, target, budget, fault, recorder.snapshot(), traffic, hikariOrNull(),
                fullAt);
    }

    /** The pool's own data source: its size, its counters. */
    private HikariDataSource hikari() {
        if (pool == null) {
            throw new IllegalStateException("make the pool first: drill.pool(size)");
        }
        try {
            return pool.unwrap(HikariDataSource.class);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private HikariDataSource hikariOrNull() {
        return pool == null ? null : hikari();
    }

    private DrillTraffic requireTraffic() {
        if (traffic == null) {
            throw new IllegalStateException("no traffic ran: drill.traffic(threads)");
        }
        return traffic;
    }

    private long injectedAt() {
        long at = fault == null ? 0 : fault.injectedAtNanos();
        if (at == 0) {
            throw new IllegalStateException("inject the fault first: fault.inject()");
        }
        return at;
    }

    /** Starts the pool (the first borrow does) and waits, up to 30 s, until it holds its minimum. */
    private static void awaitFull(LivenessDataSource ds) {
        HikariDataSource hikari;
        try (java.sql.Connection c = ds.getConnection()) {
            hikari = ds.unwrap(HikariDataSource.class);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the drill's pool could not connect to " + ds.poolName(), e);
        }
        Waits.awaitFull(hikari, hikari.getMinimumIdle());
    }

    static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /**
     * Heals the fault first (a stuck request then ends at once), stops the traffic, closes the pools and the relay.
     * Each step runs whatever the others did; the first failure is thrown at the end, the others added to it.
     */
    void close() {
        List<Runnable> steps = new ArrayList<>();
        if (fault != null) {
            steps.add(fault::close);
        }
        if (traffic != null) {
            steps.add(traffic::close);
        }
        for (LivenessDataSource ds : pools) {
            steps.add(ds::close);
        }
        if (relay != null) {
            steps.add(relay::close);
        }
        RuntimeException first = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
