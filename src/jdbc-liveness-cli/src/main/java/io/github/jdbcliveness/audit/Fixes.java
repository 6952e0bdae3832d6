package io.github.jdbcliveness.audit;

import io.github.jdbcliveness.KeepaliveSettings;
import io.github.jdbcliveness.LivenessConfig;
import java.time.Duration;

/** The changes that bring a cell within the budget, with the numbers scaled to it. */
final class Fixes {

    private final LivenessConfig c;
    private final ServerSettings.Kind server;

    Fixes(LivenessConfig config, ServerSettings.Kind server) {
        this.c = config;
        this.server = server;
    }

    String role() {
        return "jdbc-liveness with the role the pool needs: pgjdbc's targetServerType=primary, or requiredRole=primary"
                + " (checked by every probe, every " + Times.format(c.heartbeatInterval()) + ")";
    }

    String idle() {
        return "jdbc-liveness: heartbeatInterval " + Times.format(c.heartbeatInterval()) + " + probeTimeout "
                + Times.format(c.probeTimeout());
    }

    String awaiting() {
        KeepaliveSettings k = c.keepalive();
        return "jdbc-liveness: per-socket keepalive " + k.idleSeconds() + "/" + k.intervalSeconds() + "/" + k.count()
                + " (dead after " + Times.format(k.detectionTime()) + "; keepaliveEnabled true)";
    }

    String hostVerdict() {
        return "jdbc-liveness: host verdict (heartbeatInterval " + Times.format(c.heartbeatInterval())
                + ", connectTimeout " + Times.format(c.connectTimeout()) + "; watchdogEnabled true, Linux /proc)";
    }

    String closed() {
        return "jdbc-liveness: the next heartbeat (every " + Times.format(c.heartbeatInterval())
                + "), and the borrow-time socket check";
    }

    String unacknowledged() {
        return "jdbc-liveness: the in-flight watchdog, 2 × watchdogInterval " + Times.format(c.watchdogInterval())
                + " + unacknowledgedTimeout " + Times.format(c.unacknowledgedTimeout()) + " (Linux /proc/net/tcp)";
    }

    /** The server half from {@code sql/}, with the values it sets for this budget. */
    String server() {
        Duration b = c.detectionBudget();
        long seconds = b.getSeconds();
        KeepaliveSettings k = KeepaliveSettings.forBudget(b);
        String rule = k.idleSeconds() + ", interval " + k.intervalSeconds() + ", count " + k.count();
        return switch (server) {
            case POSTGRESQL -> server.script() + " with budget " + seconds + ": tcp_keepalives_idle = "
                    + k.idleSeconds() + ", tcp_keepalives_interval = " + k.intervalSeconds()
                    + ", tcp_keepalives_count = " + k.count() + ", tcp_user_timeout = "
                    + (k.idleSeconds() + (long) k.count() * k.intervalSeconds()) * 1000
                    + " (ms: idle + count × interval, since on Linux it also replaces the keepalive count), "
                    + "client_connection_check_interval = " + b.dividedBy(3).toMillis() + " (ms)";
            case MARIADB -> server.script() + " with budget " + seconds + ": tcp_keepalive_time = " + k.idleSeconds()
                    + ", tcp_keepalive_interval = " + k.intervalSeconds() + ", tcp_keepalive_probes = " + k.count()
                    + ", net_read_timeout = net_write_timeout = " + seconds + " (wait_timeout only ends idle sessions)";
            case MYSQL -> server.script() + " with budget " + seconds + ": MySQL has no tcp_keepalive_* variables; "
                    + "the server host's kernel keepalive: idle " + rule
                    + " (net.ipv4.tcp_keepalive_time/intvl/probes; wait_timeout only ends idle sessions)";
        };
    }
}
