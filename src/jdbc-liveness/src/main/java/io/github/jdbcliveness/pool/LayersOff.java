package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessStats.Layer;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which of the layers that need the connection's socket do not run for a pool, and why. Decided once at start: the
 * driver and the configuration do not change while the pool runs. Heartbeats, eviction and the host verdict need no
 * socket and run with any driver, so a driver we do not know costs these layers, never the start (unless the user
 * asked for one of them explicitly: {@link LivenessConfig#keepaliveRequired()}, which the caller refuses first).
 */
final class LayersOff {

    private LayersOff() {
    }

    static Map<Layer, String> of(LivenessConfig config, KeepaliveConnector connector, boolean procReadable) {
        Map<Layer, String> off = new EnumMap<>(Layer.class);
        String noSocket = connector.driverKind() != null ? null
                : "no socket to see with " + connector.driverClassName() + " (jdbc-liveness sees the sockets of "
                        + KeepaliveConnector.SUPPORTED + ")";
        if (!config.keepaliveEnabled()) {
            off.put(Layer.KEEPALIVE, "keepaliveEnabled false");
        } else if (noSocket != null) {
            off.put(Layer.KEEPALIVE, noSocket);
        }
        if (!config.watchdogEnabled()) {
            off.put(Layer.WATCHDOG, "watchdogEnabled false");
        } else if (noSocket != null) {
            off.put(Layer.WATCHDOG, noSocket);
        } else if (!procReadable) {
            off.put(Layer.WATCHDOG, "/proc/net/tcp is not readable here (Linux only)");
        }
        if (noSocket != null) {
            off.put(Layer.BORROW_CHECK, noSocket);
        }
        return Map.copyOf(off);
    }

    /** The one line said at start, or null when every layer runs. */
    static String logLine(String poolName, Map<Layer, String> off) {
        if (off.isEmpty()) {
            return null;
        }
        Map<String, List<Layer>> byReason = off.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .collect(Collectors.groupingBy(Map.Entry::getValue, LinkedHashMap::new,
                        Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
        return poolName + " - running without " + byReason.entrySet().stream()
                .map(e -> e.getValue().stream().map(LayersOff::describe).collect(Collectors.joining(", "))
                        + ": " + e.getKey())
                .collect(Collectors.joining("; ")) + ". Heartbeats, eviction and the host verdict run as usual";
    }

    static String describe(Layer layer) {
        return switch (layer) {
            case KEEPALIVE -> "TCP keepalive";
            case WATCHDOG -> "the in-flight watchdog";
            case BORROW_CHECK -> "the borrow-time socket check";
        };
    }

    /** Whether any layer is off for want of a socket, not by the user's choice or the platform. */
    static boolean driverBound(Map<Layer, String> off) {
        return off.containsKey(Layer.BORROW_CHECK);
    }
}
