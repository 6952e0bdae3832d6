package io.github.jdbcliveness.audit;

import java.time.Duration;

/** When plain HikariCP, with the given pool and driver settings, notices each fault. */
final class PlainModel {

    private final AuditInputs in;
    private final PoolSettings pool;
    private final SocketKeepalive keepalive;
    private final Fixes fixes;

    PlainModel(AuditInputs in, Fixes fixes) {
        this.in = in;
        this.pool = in.pool();
        this.fixes = fixes;
        KernelDefaults k = in.kernel();
        this.keepalive = pool.tcpKeepAlive()
                ? new SocketKeepalive(true, k.keepaliveIdleSeconds(), k.keepaliveIntervalSeconds(),
                        k.keepaliveCount(), "kernel defaults: the driver sets no per-socket keepalive")
                : SocketKeepalive.off("pgjdbc's tcpKeepAlive is false by default");
    }

    Cell cell(Mode mode, Mode.State state) {
        Duration b = in.budget();
        return switch (mode) {
            case NAT_EVICTION -> state == Mode.State.IDLE
                    ? keptIdle().map(Cell::prevented).orElseGet(() -> Cell.of(idleDead(), b, fixes.idle()))
                    : keptAwaiting().map(Cell::prevented).orElseGet(() -> Cell.of(awaitingDead(), b,
                            fixes.awaiting()));
            case DEAD_ROUTE -> state == Mode.State.IDLE ? Cell.of(idleDead(), b, fixes.idle())
                    : Cell.of(awaitingDead(), b, fixes.awaiting() + "; " + fixes.hostVerdict());
            case HUNG_SERVER -> state == Mode.State.IDLE ? Cell.of(hikariCheck().or(lifetime()), b, fixes.idle())
                    : Cell.of(socketTimeout().or(Candidate.never("nothing: the server's kernel ACKs")), b,
                            fixes.hostVerdict());
            case SERVER_KILL -> state == Mode.State.IDLE
                    ? Cell.of(closedCheck().or(lifetime()), b, fixes.closed())
                    : Cell.noticed(Duration.ZERO, b, "at once: the server's FIN or RST ends the read", "");
            case DEAD_PATH_REQUEST -> Cell.of(retransmission().or(socketTimeout()), b, fixes.unacknowledged());
            case LONG_QUERY -> pool.socketTimeout()
                    .map(t -> Cell.wronglyAborted(t, "socketTimeout " + Times.format(t) + " aborts a healthy query",
                            "remove socketTimeout: the watchdog and the host verdict cover what it was for"))
                    .orElseGet(() -> Cell.neverRight("nothing aborts it (no socketTimeout)"));
            case FAILOVER -> Cell.of(lifetime(), b, fixes.role());
        };
    }

    private java.util.Optional<String> keptIdle() {
        return in.middleboxIdle().flatMap(mb -> {
            if (pool.hikariKeepaliveRuns() && pool.keepaliveTime().compareTo(mb) < 0) {
                return java.util.Optional.of("HikariCP's keepaliveTime " + Times.format(pool.keepaliveTime())
                        + " keeps the flow below the middlebox's " + Times.format(mb));
            }
            return keptAwaiting();
        });
    }

    private java.util.Optional<String> keptAwaiting() {
        return in.middleboxIdle().filter(mb -> keepalive.on() && keepalive.idle().compareTo(mb) < 0)
                .map(mb -> "kernel keepalive idle " + Times.format(keepalive.idle()) + " keeps the flow below the "
                        + "middlebox's " + Times.format(mb));
    }

    private Candidate idleDead() {
        return hikariCheck().or(kernelKeepalive()).or(lifetime());
    }

    private Candidate awaitingDead() {
        return kernelKeepalive().or(socketTimeout());
    }

    private Candidate hikariCheck() {
        if (!pool.hikariKeepaliveRuns()) {
            return Candidate.never("HikariCP's keepalive is off (keepaliveTime " + Times.format(pool.keepaliveTime())
                    + ")");
        }
        return Candidate.at(pool.keepaliveTime().plus(pool.validationTimeout()), "HikariCP's keepalive check every "
                + Times.format(pool.keepaliveTime()) + ", isValid up to validationTimeout "
                + Times.format(pool.validationTimeout()));
    }

    private Candidate closedCheck() {
        if (!pool.hikariKeepaliveRuns()) {
            return Candidate.never("HikariCP's keepalive is off; a borrower's isValid finds it");
        }
        return Candidate.at(pool.keepaliveTime(), "HikariCP's keepalive check every "
                + Times.format(pool.keepaliveTime()) + " fails at once; a borrower's isValid finds it first");
    }

    private Candidate kernelKeepalive() {
        return keepalive.on() ? Candidate.at(keepalive.detection(), keepalive.describe())
                : Candidate.never(keepalive.describe());
    }

    private Candidate lifetime() {
        return pool.maxLifetime().isZero() ? Candidate.never("no maxLifetime")
                : Candidate.at(pool.maxLifetime(), "retired at maxLifetime " + Times.format(pool.maxLifetime()));
    }

    private Candidate socketTimeout() {
        return pool.socketTimeout().map(t -> Candidate.at(t, "the driver's socketTimeout"))
                .orElseGet(() -> Candidate.never("no socketTimeout"));
    }

    private Candidate retransmission() {
        return Candidate.at(in.kernel().retransmissionTimeout(), "the kernel gives up retransmitting (tcp_retries2 "
                + in.kernel().retries2() + "); no keepalive probe is sent while data is unacknowledged");
    }
}
