package io.github.jdbcliveness.audit;

import java.time.Duration;
import java.util.Optional;

/** When the server notices that its client is gone, from its own settings. */
final class ServerModel {

    private final AuditInputs in;
    private final ServerSettings s;
    private final SocketKeepalive keepalive;
    private final Fixes fixes;

    ServerModel(AuditInputs in, Fixes fixes) {
        this.in = in;
        this.s = in.server();
        this.fixes = fixes;
        this.keepalive = keepalive(in);
    }

    /** The keepalive the server's sockets carry: its own settings, 0 (or absent) meaning the kernel's. */
    static SocketKeepalive keepalive(AuditInputs in) {
        ServerSettings s = in.server();
        KernelDefaults k = in.kernel();
        String[] names = switch (s.kind()) {
            case POSTGRESQL -> new String[] {"tcp_keepalives_idle", "tcp_keepalives_interval", "tcp_keepalives_count"};
            case MARIADB -> new String[] {"tcp_keepalive_time", "tcp_keepalive_interval", "tcp_keepalive_probes"};
            case MYSQL -> new String[0];
        };
        if (names.length == 0) {
            return new SocketKeepalive(true, k.keepaliveIdleSeconds(), k.keepaliveIntervalSeconds(),
                    k.keepaliveCount(), "MySQL has no tcp_keepalive_* variables: the server host's kernel defaults, "
                            + "assumed like this machine's");
        }
        long idle = positive(s, names[0]).orElse((long) k.keepaliveIdleSeconds());
        long interval = positive(s, names[1]).orElse((long) k.keepaliveIntervalSeconds());
        long count = positive(s, names[2]).orElse((long) k.keepaliveCount());
        return new SocketKeepalive(true, idle, interval, count, "the server's " + names[0] + "/interval/count, 0 "
                + "meaning the kernel's");
    }

    private static Optional<Long> positive(ServerSettings s, String name) {
        return s.seconds(name).map(Duration::getSeconds).filter(v -> v > 0);
    }

    Cell cell(Mode mode, Mode.State state) {
        Duration b = in.budget();
        return switch (mode) {
            case NAT_EVICTION, DEAD_ROUTE -> state == Mode.State.IDLE ? Cell.of(idle(), b, fixes.server())
                    : Cell.of(queryRunning(), b, fixes.server());
            case DEAD_PATH_REQUEST -> Cell.of(idle(), b, fixes.server());
            case HUNG_SERVER -> Cell.notApplicable("the server is hung: it notices nothing until it runs again");
            case SERVER_KILL -> Cell.notApplicable("the server ended the session itself");
            case LONG_QUERY -> Cell.neverRight("the client is there: nothing to notice");
            case FAILOVER -> Cell.notApplicable("the old primary keeps serving its sessions, read-only");
        };
    }

    /** A session waiting for the client's next request (the request never arrived, for the server). */
    private Candidate idle() {
        Candidate k = Candidate.at(keepalive.detection(), "server " + keepalive.describe());
        Optional<Duration> ends = s.kind() == ServerSettings.Kind.POSTGRESQL
                ? s.millis("idle_session_timeout").filter(d -> !d.isZero())
                : s.seconds("wait_timeout").filter(d -> !d.isZero());
        String name = s.kind() == ServerSettings.Kind.POSTGRESQL ? "idle_session_timeout" : "wait_timeout";
        return ends.map(d -> k.or(Candidate.at(d, name + " ends the idle session, gone client or not")))
                .orElse(k);
    }

    /** A session running the client's query: keepalive marks the socket dead, but who looks at it? */
    private Candidate queryRunning() {
        if (s.kind() == ServerSettings.Kind.POSTGRESQL) {
            Optional<Duration> check = s.millis("client_connection_check_interval").filter(d -> !d.isZero());
            if (check.isPresent()) {
                return Candidate.at(keepalive.detection().plus(check.get()), "server " + keepalive.describe()
                        + ", seen by client_connection_check_interval " + Times.format(check.get()));
            }
            String userTimeout = s.millis("tcp_user_timeout").filter(d -> !d.isZero())
                    .map(d -> "tcp_user_timeout " + Times.format(d)).orElse("about 15 min of retransmission");
            return Candidate.never("only when the query ends and its answer goes unacknowledged, then "
                    + userTimeout + (s.values().containsKey("client_connection_check_interval") ? ""
                            : "; client_connection_check_interval needs PostgreSQL 14"));
        }
        return Candidate.never("only when the query ends and its answer cannot be sent (net_write_timeout "
                + s.values().getOrDefault("net_write_timeout", "?") + " s, once the send buffer is full)");
    }
}
