package io.github.jdbcliveness.micrometer;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.KeepaliveSummary;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one {@link LivenessDataSource}, named {@code jdbc.liveness.*} and tagged {@code pool} like
 * HikariCP's own {@code hikaricp.connections.*}, so the two sit side by side on a dashboard. Bind it like any other
 * binder, with or without Spring: {@code new LivenessMetrics(ds).bindTo(registry)}. The README lists every meter.
 * The one JVM-wide meter, {@code jdbc.liveness.heartbeat.stalls}, carries neither the {@code pool} tag nor the extra
 * tags: every pool's binder registers the same meter, once per registry.
 *
 * <p>Micrometer is an optional dependency of jdbc-liveness. Only this package needs it and nothing outside it
 * refers to it, so only an application that constructs this class loads it.
 *
 * <p>The gauges and function counters hold the data source weakly (Micrometer's default): the registry never keeps
 * a closed pool alive, and its meters read NaN once the pool has been collected. Their functions capture nothing but
 * the data source Micrometer hands them, because one that captured {@code this} would hold the data source strongly
 * (this binder itself does hold it). The pool's meters each read {@link LivenessDataSource#stats()}, so a scrape
 * makes eighteen {@code stats()} calls per pool (sixteen with keepalive tuning off). Each sums a few
 * {@code LongAdder}s and builds small records, with no lock, no I/O and no round trip to the database. The
 * detection latency timer is fed instead by a {@link LivenessListener} that {@link #bindTo} adds to the data source,
 * because the stats keep only a mean and a maximum; it sees the evictions from the moment of binding on.
 */
public final class LivenessMetrics implements MeterBinder {

    private final LivenessDataSource ds;
    private final Tags tags;
    /** Registries bound already: a second bind to one would add a second listener and record every eviction twice. */
    private final Set<MeterRegistry> bound =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** Meters tagged {@code pool} with the HikariCP pool name. */
    public LivenessMetrics(LivenessDataSource ds) {
        this(ds, Tags.empty());
    }

    /** Meters tagged {@code pool} with the HikariCP pool name, and {@code extraTags} (which may replace it). */
    public LivenessMetrics(LivenessDataSource ds, Iterable<Tag> extraTags) {
        this.ds = Objects.requireNonNull(ds, "ds");
        this.tags = Tags.of("pool", ds.poolName()).and(Objects.requireNonNull(extraTags, "extraTags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!bound.add(registry)) {
            return;
        }
        // One description per name: Prometheus keeps one HELP line for all of a name's series.
        String probes = "Heartbeat and borrow-time probes, by outcome (timeout: no answer within the probe timeout)";
        counter(registry, "jdbc.liveness.probes", probes, "probes", d -> d.stats().probesPassed(), "outcome",
                "passed");
        counter(registry, "jdbc.liveness.probes", probes, "probes", d -> d.stats().probeFailures(), "outcome",
                "failed");
        counter(registry, "jdbc.liveness.probes", probes, "probes", d -> d.stats().probeTimeouts(), "outcome",
                "timeout");

        Map<EvictionReason, Timer> latency = new EnumMap<>(EvictionReason.class);
        for (EvictionReason reason : EvictionReason.values()) {
            String tag = reason.name().toLowerCase(Locale.ROOT);
            counter(registry, "jdbc.liveness.evictions", "Connections found dead and evicted", "evictions",
                    d -> d.stats().evictions().getOrDefault(reason, 0L), "reason", tag);
            latency.put(reason, Timer.builder("jdbc.liveness.detection.latency")
                    .description("Time from a connection's last sign of life to its eviction: an upper bound on how "
                            + "long it was dead before it was noticed")
                    .tags(tags).tag("reason", tag).register(registry));
        }
        ds.addListener(new LivenessListener() {
            @Override
            public void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
                    long atNanos) {
                latency.get(reason).record(sinceLastAlive);
            }
        });

        // No base unit where the name already says what it counts: Prometheus appends the unit to a name that does
        // not end with it, which made jdbc_liveness_connections_dead_connections. HikariCP's hikaricp.connections.*
        // beside them carry none either.
        gauge(registry, "jdbc.liveness.connections.dead",
                "Connections known dead that HikariCP has not finished removing", null,
                d -> d.stats().knownDeadNow());
        gauge(registry, "jdbc.liveness.connections.tracked", "Physical connections open now", null,
                d -> d.stats().tracked());
        counter(registry, "jdbc.liveness.borrows.skipped",
                "Borrows that drew a connection known dead, evicted it and asked the pool again", null,
                d -> d.stats().borrowsSkippedDead());
        counter(registry, "jdbc.liveness.borrows.waited", "Borrows that waited for a probe already running", null,
                d -> d.stats().borrowWaitsForProbe());

        if (ds.stats().keepalive() != null) { // null: keepalive tuning is off for this pool, and stays off
            String sockets = "Sockets opened so far whose TCP keepalive, read back, is as requested or differs "
                    + "(other values, or SO_KEEPALIVE off)";
            gauge(registry, "jdbc.liveness.keepalive.sockets", sockets, "sockets",
                    d -> keepalive(d, KeepaliveSummary::asRequested), "applied", "as_requested");
            gauge(registry, "jdbc.liveness.keepalive.sockets", sockets, "sockets",
                    d -> keepalive(d, KeepaliveSummary::differing), "applied", "differs");
        }

        counter(registry, "jdbc.liveness.watchdog.looks",
                "Times the in-flight watchdog walked the pool's leased connections", "looks",
                d -> d.stats().watchdog().looks());
        counter(registry, "jdbc.liveness.watchdog.proc.reads",
                "Times the watchdog read the kernel's socket table because a lease was old enough to suspect",
                "reads", d -> d.stats().watchdog().procReads());
        gauge(registry, "jdbc.liveness.host.down",
                "1 while the pool's database host is judged down (a new connection got no answer), else 0", null,
                d -> d.stats().host().down() ? 1 : 0);
        counter(registry, "jdbc.liveness.host.checks",
                "New connections opened to check whether the pool's database host answers", "checks",
                d -> d.stats().host().checks());
        // One ticker serves every pool, so its stalls are the JVM's: tagged per pool, a sum over pools counted each
        // stall once per pool. Every binder registers the same untagged meter, which Micrometer keeps once per
        // registry, and it reads a static count, so it outlives whichever pool registered it first.
        FunctionCounter.builder("jdbc.liveness.heartbeat.stalls", HeartbeatScheduler.class,
                        c -> HeartbeatScheduler.stalls())
                .description("Heartbeat ticker stalls (GC pause, VM freeze); JVM-wide, not per pool")
                .baseUnit("stalls").register(registry);
    }

    private static double keepalive(LivenessDataSource d, ToDoubleFunction<KeepaliveSummary> field) {
        KeepaliveSummary k = d.stats().keepalive();
        return k == null ? Double.NaN : field.applyAsDouble(k);
    }

    private void counter(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<LivenessDataSource> f, String... tagKeyValues) {
        FunctionCounter.builder(name, ds, f).description(description).baseUnit(unit).tags(tags).tags(tagKeyValues)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit,
            ToDoubleFunction<LivenessDataSource> f, String... tagKeyValues) {
        Gauge.builder(name, ds, f).description(description).baseUnit(unit).tags(tags).tags(tagKeyValues)
                .register(registry);
    }
}
