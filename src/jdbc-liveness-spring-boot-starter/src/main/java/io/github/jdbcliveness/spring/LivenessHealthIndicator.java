package io.github.jdbcliveness.spring;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.KeepaliveSummary;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.LivenessStats;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of one jdbc-liveness pool: its budget, the dead connections it found, the last detection and its
 * latency, whether the sockets carry the keepalive asked for, and which layers do not run here and why (the
 * watchdog without {@code /proc/net/tcp}; keepalive, the watchdog and the borrow-time check with a driver whose
 * sockets jdbc-liveness cannot see).
 *
 * <p>It reports DOWN only while the pool's host is judged down (hung or unreachable: a new connection to it got no
 * answer), and UP otherwise: one evicted connection is the library working, not the pool failing. Reading it costs
 * no round trip; Boot's own {@code db} indicator still borrows a connection and asks it.
 */
public final class LivenessHealthIndicator implements HealthIndicator {

    private final LivenessDataSource ds;
    private final AtomicReference<Detection> last = new AtomicReference<>();

    /** Adds a listener to {@code ds}: the health shows detections from this moment on. */
    public LivenessHealthIndicator(LivenessDataSource ds) {
        this.ds = ds;
        ds.addListener(new LivenessListener() {
            @Override
            public void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
                    long atNanos) {
                last.set(new Detection(Instant.now(), reason, sinceLastAlive));
            }
        });
    }

    private record Detection(Instant at, EvictionReason reason, Duration latency) {
    }

    @Override
    public Health health() {
        LivenessStats s = ds.stats();
        Map<String, Object> evictions = new LinkedHashMap<>();
        s.evictions().forEach((reason, n) -> {
            if (n > 0) {
                evictions.put(reason.name().toLowerCase(Locale.ROOT), n);
            }
        });
        LivenessStats.Host host = s.host();
        Health.Builder health = (host.down() ? Health.down() : Health.up())
                .withDetail("pool", ds.poolName())
                .withDetail("host", host.down() ? Map.of("name", host.name(), "down", true, "evidence",
                        String.valueOf(host.evidence())) : Map.of("name", host.name(), "down", false))
                .withDetail("detectionBudget", ds.config().detectionBudget().toString())
                .withDetail("deadConnectionsFound", s.evictionsTotal())
                .withDetail("evictions", evictions)
                .withDetail("knownDeadNow", s.knownDeadNow());
        if (s.hosts().size() > 1) { // a multi-host URL: each host's verdict, DOWN only when every one is down
            health.withDetail("hosts", s.hosts().stream().map(h -> h.down() ? Map.of("name", h.name(), "down", true,
                    "evidence", String.valueOf(h.evidence())) : Map.of("name", h.name(), "down", false)).toList());
        }
        Detection d = last.get();
        if (d != null) {
            health.withDetail("lastDetection", Map.of("at", d.at().toString(),
                    "reason", d.reason().name().toLowerCase(Locale.ROOT), "latency", d.latency().toString()));
        }
        String watchdogOff = s.off().get(LivenessStats.Layer.WATCHDOG);
        String borrowCheckOff = s.off().get(LivenessStats.Layer.BORROW_CHECK);
        return health.withDetail("keepalive", keepalive(s.keepalive(), s.off().get(LivenessStats.Layer.KEEPALIVE)))
                .withDetail("watchdog", watchdogOff != null ? "off: " + watchdogOff : "available")
                .withDetail("borrowCheck", borrowCheckOff != null ? "off: " + borrowCheckOff : "available")
                .build();
    }

    private static Object keepalive(KeepaliveSummary k, String off) {
        if (off != null) {
            return "off: " + off;
        }
        if (k == null) {
            return "off (left to the driver)";
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("requested", String.valueOf(k.requested()));
        m.put("sockets", k.connections());
        m.put("asRequested", k.asRequested());
        m.put("differing", k.differing());
        if (k.unsupported() > 0) {
            m.put("systemDefaults", k.unsupported());
        }
        if (k.notObserved() > 0) {
            m.put("notObserved", k.notObserved());
        }
        return m;
    }
}
