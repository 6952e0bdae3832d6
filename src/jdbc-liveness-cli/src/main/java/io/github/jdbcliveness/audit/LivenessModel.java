package io.github.jdbcliveness.audit;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.LivenessConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * When jdbc-liveness at the budget notices each fault, from the settings {@link LivenessConfig} derived and the
 * keepalive the kernel applied. The bounds are the engine's own (README, "How it works with HikariCP").
 */
final class LivenessModel {

    private final AuditInputs in;
    private final LivenessConfig c;
    private final SocketKeepalive keepalive;
    private final Fixes fixes;

    LivenessModel(AuditInputs in, Fixes fixes) {
        this.in = in;
        this.c = in.config();
        this.fixes = fixes;
        this.keepalive = effectiveKeepalive(in);
    }

    static SocketKeepalive effectiveKeepalive(AuditInputs in) {
        Optional<AppliedKeepalive> applied = in.applied();
        KernelDefaults k = in.kernel();
        if (applied.isPresent()) {
            AppliedKeepalive a = applied.get();
            if (!a.soKeepalive()) {
                return SocketKeepalive.off("read back from the socket");
            }
            if (!a.perSocketSupported()) {
                return new SocketKeepalive(true, k.keepaliveIdleSeconds(), k.keepaliveIntervalSeconds(),
                        k.keepaliveCount(), "per-socket options unsupported here: kernel defaults");
            }
            return new SocketKeepalive(true, a.idleSeconds(), a.intervalSeconds(), a.count(),
                    "read back from the socket");
        }
        if (!in.config().keepaliveEnabled()) {
            return SocketKeepalive.off("keepaliveEnabled false");
        }
        var d = in.config().keepalive();
        return new SocketKeepalive(true, d.idleSeconds(), d.intervalSeconds(), d.count(), "derived, not read back");
    }

    Cell cell(Mode mode, Mode.State state) {
        Duration b = in.budget();
        return switch (mode) {
            case NAT_EVICTION -> state == Mode.State.IDLE
                    ? keptIdle().map(Cell::prevented).orElseGet(() -> Cell.of(heartbeat().or(kernelKeepalive()), b,
                            fixes.idle()))
                    : keptAwaiting().map(Cell::prevented).orElseGet(() -> Cell.of(
                            kernelKeepalive().or(socketTimeout()), b, fixes.awaiting()));
            case DEAD_ROUTE -> state == Mode.State.IDLE ? Cell.of(heartbeat().or(kernelKeepalive()), b, fixes.idle())
                    : Cell.of(kernelKeepalive().or(hostVerdict()).or(socketTimeout()), b, fixes.awaiting());
            case HUNG_SERVER -> state == Mode.State.IDLE ? Cell.of(heartbeat(), b, fixes.idle())
                    : Cell.of(hostVerdict().or(socketTimeout()), b, fixes.hostVerdict());
            case SERVER_KILL -> state == Mode.State.IDLE
                    ? Cell.noticed(c.heartbeatInterval(), b, "the next heartbeat fails at once; a borrower's check "
                            + "sees the FIN or the server's message without a round trip", fixes.closed())
                    : Cell.noticed(Duration.ZERO, b, "at once: the server's FIN or RST ends the read", "");
            case DEAD_PATH_REQUEST -> Cell.of(watchdog().or(retransmission()).or(socketTimeout()), b,
                    fixes.unacknowledged());
            case LONG_QUERY -> in.pool().socketTimeout()
                    .map(t -> Cell.wronglyAborted(t, "socketTimeout " + Times.format(t) + " aborts a healthy query",
                            "remove socketTimeout: the watchdog and the host verdict cover what it was for"))
                    .orElseGet(() -> Cell.neverRight("never, and rightly: an acknowledged request shows nothing "
                            + "unacknowledged, and the host answers its checks; a long query is not aborted"));
            case FAILOVER -> roleCheck(b);
        };
    }

    /**
     * The role check of every probe, when the pool knows the role it needs (its own setting, else the driver's).
     * Without one, the question does not arise for the gate: a pool on one server never meets it, and one that does
     * is told what to set.
     */
    private Cell roleCheck(Duration b) {
        java.util.Optional<String> role = c.requiredRole()
                .filter(r -> r != io.github.jdbcliveness.ServerRole.ANY)
                .map(r -> r.name().toLowerCase(java.util.Locale.ROOT) + " (requiredRole)")
                .or(() -> in.pool().driverRole());
        if (role.isEmpty()) {
            Duration lifetime = in.pool().maxLifetime();
            return Cell.notApplicable("no role asked for, so none is checked: after a failover that leaves the old "
                    + "primary up, its connections stay " + (lifetime.isZero() ? "for good"
                            : "until maxLifetime " + Times.format(lifetime)) + "; if that can happen, set "
                    + "pgjdbc's targetServerType=primary or requiredRole=primary");
        }
        return Cell.of(Candidate.at(c.worstCases().heartbeat(), "the role check of the next probe (a " + role.get()
                + "), every " + Times.format(c.heartbeatInterval()) + "; its siblings are swept at once"), b,
                fixes.role());
    }

    private Optional<String> keptIdle() {
        return in.middleboxIdle().map(mb -> "heartbeat every " + Times.format(c.heartbeatInterval())
                + (keepalive.on() ? " and keepalive idle " + Times.format(keepalive.idle()) : "")
                + " keep the flow below the middlebox's " + Times.format(mb));
    }

    private Optional<String> keptAwaiting() {
        return in.middleboxIdle().filter(mb -> keepalive.on() && keepalive.idle().compareTo(mb) < 0)
                .map(mb -> "keepalive idle " + Times.format(keepalive.idle()) + " keeps the flow below the "
                        + "middlebox's " + Times.format(mb));
    }

    private Candidate heartbeat() {
        return Candidate.at(c.worstCases().heartbeat(), "heartbeat every "
                + Times.format(c.heartbeatInterval()) + ", no answer within probeTimeout "
                + Times.format(c.probeTimeout()));
    }

    private Candidate kernelKeepalive() {
        return keepalive.on() ? Candidate.at(keepalive.detection(), keepalive.describe())
                : Candidate.never(keepalive.describe());
    }

    private boolean watching() {
        return c.watchdogEnabled() && in.watchdogAvailable();
    }

    private String whyNotWatching() {
        return c.watchdogEnabled() ? "the watchdog cannot read /proc/net/tcp here" : "watchdogEnabled false";
    }

    /**
     * A request waiting one heartbeatInterval with no answer from its host starts a check (at a watchdog look), which
     * fails within connectTimeout; after the grace the waiting request is aborted at the next look.
     */
    private Candidate hostVerdict() {
        if (!watching()) {
            return Candidate.never("no host verdict for requests in flight: " + whyNotWatching());
        }
        return Candidate.at(c.worstCases().hostVerdict(),
                "host verdict: no answer for " + Times.format(c.heartbeatInterval()) + ", a new connection fails "
                        + "within connectTimeout " + Times.format(c.connectTimeout()) + ", abort at the next look");
    }

    private Candidate watchdog() {
        if (!watching()) {
            return Candidate.never(whyNotWatching());
        }
        return Candidate.at(c.worstCases().watchdog(),
                "in-flight watchdog: acknowledgements still for " + Times.format(c.unacknowledgedTimeout())
                        + ", looks every " + Times.format(c.watchdogInterval()));
    }

    private Candidate retransmission() {
        return Candidate.at(in.kernel().retransmissionTimeout(), "the kernel gives up retransmitting (tcp_retries2 "
                + in.kernel().retries2() + ")");
    }

    private Candidate socketTimeout() {
        return in.pool().socketTimeout().map(t -> Candidate.at(t, "the driver's socketTimeout"))
                .orElseGet(() -> Candidate.never("no socketTimeout"));
    }

    SocketKeepalive keepalive() {
        return keepalive;
    }
}
