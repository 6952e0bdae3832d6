package io.github.jdbcliveness.micrometer;

import static io.github.jdbcliveness.pool.StubServer.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.pool.StubServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Micrometer binder against a real HikariCP and the stub driver: which meters it registers with which tags, that
 * they follow the dead connections of a server restart, that it binds to more than one registry, and that its
 * meters do not keep a closed pool alive.
 */
class LivenessMetricsTest {

    private static final int SIZE = 3;

    private static LivenessDataSource pool(StubServer server, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.url());
        c.setPoolName(name);
        c.setMaximumPoolSize(SIZE);
        c.setMinimumIdle(SIZE);
        c.setConnectionTimeout(1000);
        return LivenessDataSource.create(c, LivenessConfig.builder().detectionBudget(Duration.ofSeconds(4))
                .heartbeatInterval(Duration.ofMillis(100)).probeTimeout(Duration.ofMillis(500))
                .keepaliveEnabled(false).watchdogEnabled(false).build());
    }

    @Test
    void bindTo_registersEveryMeter_taggedWithThePoolAndTheExtraTags_andNoKeepaliveMeterWhenTuningIsOff() {
        try (LivenessDataSource ds = pool(StubServer.start(), "tags")) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new LivenessMetrics(ds, Tags.of("app", "orders")).bindTo(registry);

            Set<String> expected = new TreeSet<>();
            for (String outcome : new String[] {"passed", "failed", "timeout"}) {
                expected.add(id("jdbc.liveness.probes", "outcome", outcome));
            }
            for (String reason : new String[] {"probe_failed", "probe_timeout", "unacknowledged_data", "host_down",
                    "closed_by_server", "wrong_role"}) {
                expected.add(id("jdbc.liveness.evictions", "reason", reason));
                expected.add(id("jdbc.liveness.detection.latency", "reason", reason));
            }
            for (String name : new String[] {"jdbc.liveness.connections.dead", "jdbc.liveness.connections.tracked",
                    "jdbc.liveness.borrows.skipped", "jdbc.liveness.borrows.waited", "jdbc.liveness.watchdog.looks",
                    "jdbc.liveness.watchdog.proc.reads", "jdbc.liveness.host.down", "jdbc.liveness.host.checks"}) {
                expected.add(id(name));
            }
            expected.add("jdbc.liveness.heartbeat.stalls" + Tags.empty());
            Set<String> registered = registry.getMeters().stream()
                    .map(m -> m.getId().getName() + Tags.of(m.getId().getTags()))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected, registered);

            for (Meter m : registry.getMeters()) {
                String name = m.getId().getName();
                Class<?> type = name.equals("jdbc.liveness.detection.latency") ? Timer.class
                        : name.startsWith("jdbc.liveness.connections.") || name.equals("jdbc.liveness.host.down")
                                ? Gauge.class : FunctionCounter.class;
                assertTrue(type.isInstance(m), m.getId() + " is a " + m.getClass().getSimpleName());
                assertNotNull(m.getId().getDescription(), m.getId() + " has no description");
            }
            assertTrue(registry.get("jdbc.liveness.heartbeat.stalls").functionCounter().getId().getDescription()
                    .contains("JVM-wide"));
            assertTrue(registry.find("jdbc.liveness.keepalive.sockets").meters().isEmpty());
        }
    }

    @Test
    void names_areLowercaseDotted_withoutTotalOrUnits() {
        try (LivenessDataSource ds = pool(StubServer.start(), "names")) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new LivenessMetrics(ds).bindTo(registry);
            Pattern dotted = Pattern.compile("[a-z]+(\\.[a-z]+)*");
            Pattern unitOrTotal = Pattern.compile(".*(total|count|seconds|millis|nanos|bytes|percent|ratio).*");
            for (Meter m : registry.getMeters()) {
                String name = m.getId().getName();
                assertTrue(dotted.matcher(name).matches(), name);
                assertFalse(unitOrTotal.matcher(name).matches(), name);
                if (!name.equals("jdbc.liveness.heartbeat.stalls")) {
                    assertEquals("names", m.getId().getTag("pool"), m.getId().toString());
                }
            }
        }
    }

    @Test
    void heartbeatStalls_isOneUntaggedMeterPerRegistry_whateverThePools_andOutlivesThePoolThatRegisteredIt() {
        MeterRegistry registry = new SimpleMeterRegistry();
        WeakReference<LivenessDataSource> first = bindAndClose(registry);
        try (LivenessDataSource other = pool(StubServer.start(), "other")) {
            new LivenessMetrics(other, Tags.of("app", "orders")).bindTo(registry);
            List<Meter> stalls = List.copyOf(registry.find("jdbc.liveness.heartbeat.stalls").meters());
            assertEquals(1, stalls.size(), stalls.toString());
            assertEquals(List.of(), stalls.get(0).getId().getTags(),
                    "a JVM-wide count tagged per pool is counted once per pool by a sum over pools");
            assertEquals(2, registry.find("jdbc.liveness.connections.tracked").meters().size(),
                    "every other meter stays per pool");

            await(() -> {
                System.gc();
                return first.get() == null;
            }, () -> "the closed pool is still reachable");
            FunctionCounter counter = registry.get("jdbc.liveness.heartbeat.stalls").functionCounter();
            assertEquals(other.stats().stalls(), counter.count(), 0.0);
        }
    }

    @Test
    void prometheusNames_neverRepeatAWord_soNoUnitIsAppendedToANameThatAlreadySaysIt() {
        try (LivenessDataSource ds = pool(StubServer.start(), "prometheus")) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new LivenessMetrics(ds).bindTo(registry);
            Set<String> rendered = new TreeSet<>();
            Set<String> repeating = new TreeSet<>();
            for (Meter m : registry.getMeters()) {
                Meter.Id id = m.getId();
                String name = PROMETHEUS.name(id.getName(), id.getType(), id.getBaseUnit());
                List<String> words = List.of(name.split("_"));
                if (words.size() != Set.copyOf(words).size()) {
                    repeating.add(name + " (" + id.getName() + ", base unit " + id.getBaseUnit() + ")");
                }
                rendered.add(name);
            }
            assertEquals(Set.of(), repeating);
            assertEquals(new TreeSet<>(List.of("jdbc_liveness_borrows_skipped_total",
                    "jdbc_liveness_borrows_waited_total", "jdbc_liveness_connections_dead",
                    "jdbc_liveness_connections_tracked", "jdbc_liveness_detection_latency_seconds",
                    "jdbc_liveness_evictions_total", "jdbc_liveness_heartbeat_stalls_total",
                    "jdbc_liveness_host_checks_total", "jdbc_liveness_host_down", "jdbc_liveness_probes_total",
                    "jdbc_liveness_watchdog_looks_total", "jdbc_liveness_watchdog_proc_reads_total")), rendered);
        }
    }

    /**
     * The name a Prometheus scrape shows, as Micrometer's Prometheus registry makes it (its
     * {@code PrometheusNamingConvention}, not on this class path, and the client's {@code _total}): snake case, the
     * base unit appended unless the name already ends with it, {@code _total} after a counter, {@code _seconds}
     * after a timer.
     */
    private static final NamingConvention PROMETHEUS = (name, type, baseUnit) -> {
        String snake = NamingConvention.snakeCase.name(name, type, baseUnit);
        boolean unitAppended = type == Meter.Type.COUNTER || type == Meter.Type.GAUGE
                || type == Meter.Type.DISTRIBUTION_SUMMARY;
        if (unitAppended && baseUnit != null && !snake.endsWith("_" + baseUnit)) {
            snake += "_" + baseUnit;
        }
        return switch (type) {
            case COUNTER -> snake + "_total";
            case TIMER, LONG_TASK_TIMER -> snake.endsWith("_seconds") ? snake : snake + "_seconds";
            default -> snake;
        };
    };

    @Test
    void killAll_countsEveryConnectionAsProbeFailedEviction_timesEachDetection_andDeadReturnsToZero() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = pool(server, "kill")) {
            MeterRegistry registry = new SimpleMeterRegistry();
            new LivenessMetrics(ds).bindTo(registry);
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == SIZE, () -> "idle " + mx.getIdleConnections());

            server.killAll();

            FunctionCounter evicted = registry.get("jdbc.liveness.evictions").tag("reason", "probe_failed")
                    .functionCounter();
            Timer latency = registry.get("jdbc.liveness.detection.latency").tag("reason", "probe_failed").timer();
            Gauge dead = registry.get("jdbc.liveness.connections.dead").gauge();
            await(() -> evicted.count() == SIZE && latency.count() == SIZE && dead.value() == 0
                    && mx.getIdleConnections() == SIZE, () -> "evicted " + evicted.count() + ", timed "
                            + latency.count() + ", dead " + dead.value() + ", " + ds.stats());
            assertEquals(SIZE, registry.get("jdbc.liveness.connections.tracked").gauge().value());
            assertTrue(registry.get("jdbc.liveness.probes").tag("outcome", "failed").functionCounter().count()
                    >= SIZE);
            assertTrue(registry.get("jdbc.liveness.probes").tag("outcome", "passed").functionCounter().count() > 0);
            assertEquals(0, registry.get("jdbc.liveness.detection.latency").tag("reason", "probe_timeout").timer()
                    .count());
            assertTrue(latency.max(TimeUnit.NANOSECONDS) > 0);
        }
    }

    @Test
    void bindingToTwoRegistries_feedsBoth_andBindingTwiceToOne_recordsOnce() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = pool(server, "twice")) {
            MeterRegistry first = new SimpleMeterRegistry();
            MeterRegistry second = new SimpleMeterRegistry();
            LivenessMetrics metrics = new LivenessMetrics(ds);
            metrics.bindTo(first);
            metrics.bindTo(second);
            metrics.bindTo(first);
            HikariPoolMXBean mx = ds.unwrap(HikariDataSource.class).getHikariPoolMXBean();
            await(() -> mx.getIdleConnections() == SIZE, () -> "idle " + mx.getIdleConnections());

            server.killAll();

            for (MeterRegistry r : new MeterRegistry[] {first, second}) {
                Timer latency = r.get("jdbc.liveness.detection.latency").tag("reason", "probe_failed").timer();
                FunctionCounter evicted = r.get("jdbc.liveness.evictions").tag("reason", "probe_failed")
                        .functionCounter();
                await(() -> latency.count() == SIZE && evicted.count() == SIZE,
                        () -> "timed " + latency.count() + ", evicted " + evicted.count());
            }
            // Every eviction has been told to every listener by now; a second listener on `first` would show here.
            assertEquals(SIZE, first.get("jdbc.liveness.detection.latency").tag("reason", "probe_failed").timer()
                    .count());
        }
    }

    @Test
    void boundMeters_doNotKeepAClosedPoolAlive() {
        MeterRegistry registry = new SimpleMeterRegistry();
        WeakReference<LivenessDataSource> ref = bindAndClose(registry);
        Gauge tracked = registry.get("jdbc.liveness.connections.tracked").gauge();
        await(() -> {
            System.gc();
            return ref.get() == null;
        }, () -> "the closed pool is still reachable");
        assertTrue(Double.isNaN(tracked.value()));
    }

    private static WeakReference<LivenessDataSource> bindAndClose(MeterRegistry registry) {
        LivenessDataSource ds = pool(StubServer.start(), "weak");
        new LivenessMetrics(ds).bindTo(registry);
        ds.close();
        return new WeakReference<>(ds);
    }

    private static String id(String name, String... tags) {
        return name + Tags.of(tags).and("pool", "tags").and("app", "orders");
    }
}
