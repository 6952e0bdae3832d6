package io.github.jdbcliveness.audit;

import io.github.jdbcliveness.LivenessConfig;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The table for people: one line per mode and state, then what notices each cell and the fix where one is due. */
public final class AuditText {

    private static final String LINE = "  %-42s %-18s %-18s %s%n";

    private AuditText() {
    }

    public static String format(AuditTable table) {
        AuditInputs in = table.inputs();
        StringBuilder s = new StringBuilder();
        header(s, in);
        s.append(String.format(Locale.ROOT, LINE, "failure mode / connection state", "plain HikariCP",
                "jdbc-liveness", "server notices client gone"));
        Mode last = null;
        for (Row r : table.rows()) {
            if (r.mode() != last) {
                s.append("  ").append(r.mode().label()).append('\n');
                last = r.mode();
            }
            s.append(String.format(Locale.ROOT, LINE, "  " + r.state().label(), shortly(r.plain()),
                    shortly(r.liveness()), shortly(r.server())));
        }
        s.append("  ! over the budget (").append(Times.format(in.budget())).append(") or a healthy query aborted; "
                + "kept alive: the flow never goes idle long enough to be evicted; n/a: nothing to notice\n\n");
        s.append("What notices each cell, and the fix where one is due:\n");
        for (Row r : table.rows()) {
            s.append("  ").append(r.mode().label()).append(", ").append(r.state().label()).append('\n');
            explain(s, "plain HikariCP", r.plain());
            explain(s, "jdbc-liveness", r.liveness());
            explain(s, "server", r.server());
            s.append("    drill: ").append(r.drill()).append('\n');
        }
        List<Row> misses = table.livenessMisses();
        s.append('\n');
        if (misses.isEmpty()) {
            s.append("Deploy gate: every jdbc-liveness cell is within the budget (exit 0).\n");
        } else {
            s.append("Deploy gate: ").append(misses.size()).append(" jdbc-liveness cell").append(
                    misses.size() == 1 ? " misses" : "s miss").append(" the budget (exit ")
                    .append(AuditTable.EXIT_LIVENESS_MISSES).append("): ")
                    .append(misses.stream().map(r -> r.mode().label() + " / " + r.state().label())
                            .collect(Collectors.joining("; "))).append('\n');
        }
        return s.toString();
    }

    private static void header(StringBuilder s, AuditInputs in) {
        LivenessConfig c = in.config();
        PoolSettings p = in.pool();
        s.append("jdbc-liveness audit: ").append(in.server().kind().label()).append(' ').append(in.server().version())
                .append(" at ").append(in.target()).append(" (connected once, no fault injected)\n");
        s.append("  budget B = ").append(Times.format(in.budget())).append("; jdbc-liveness derives heartbeat ")
                .append(Times.format(c.heartbeatInterval())).append(", probe timeout ")
                .append(Times.format(c.probeTimeout())).append(", keepalive ").append(c.keepalive().idleSeconds())
                .append('/').append(c.keepalive().intervalSeconds()).append('/').append(c.keepalive().count())
                .append(", watchdog ").append(Times.format(c.watchdogInterval())).append(" / ")
                .append(Times.format(c.unacknowledgedTimeout())).append(", connect timeout ")
                .append(Times.format(c.connectTimeout())).append('\n');
        s.append("  tuned socket, as the kernel applied it: ")
                .append(in.applied().map(Object::toString).orElse("not read back")).append('\n');
        s.append("  pool (").append(p.source()).append("): keepaliveTime ").append(Times.format(p.keepaliveTime()))
                .append(p.hikariKeepaliveRuns() ? "" : " (off)").append(", connectionTimeout ")
                .append(Times.format(p.connectionTimeout())).append(", validationTimeout ")
                .append(Times.format(p.validationTimeout())).append(", maxLifetime ")
                .append(Times.format(p.maxLifetime())).append(", idleTimeout ").append(Times.format(p.idleTimeout()))
                .append(", ").append(p.socketTimeout().map(t -> "socketTimeout " + Times.format(t))
                        .orElse("no socketTimeout")).append("; plain sockets: ")
                .append(p.tcpKeepAlive() ? "SO_KEEPALIVE on (kernel defaults " + in.kernel().keepaliveIdleSeconds()
                        + "/" + in.kernel().keepaliveIntervalSeconds() + "/" + in.kernel().keepaliveCount() + ")"
                        : "SO_KEEPALIVE off").append('\n');
        s.append("  server: ").append(in.server().asked().stream()
                .filter(n -> in.server().values().containsKey(n))
                .map(n -> n + "=" + in.server().values().get(n)).collect(Collectors.joining(", ")));
        List<String> absent = in.server().asked().stream().filter(n -> !in.server().values().containsKey(n))
                .toList();
        if (!absent.isEmpty()) {
            s.append("; absent on this server: ").append(String.join(", ", absent));
        }
        s.append('\n');
        s.append("  middlebox idle timeout: ").append(in.middleboxIdle().map(Times::format)
                .orElse("none declared (--middlebox-idle): an eviction is taken to happen at any moment")).append("\n\n");
    }

    static String shortly(Cell c) {
        return switch (c.verdict()) {
            case WITHIN -> Times.format(c.after().orElseThrow());
            case OVER -> c.after().map(Times::format).orElse("never") + " !";
            case PREVENTED -> "kept alive";
            case NEVER_RIGHT -> "never (right)";
            case WRONGLY_ABORTED -> "aborted " + Times.format(c.after().orElseThrow()) + " !";
            case NOT_APPLICABLE -> "n/a";
        };
    }

    private static void explain(StringBuilder s, String who, Cell c) {
        s.append("    ").append(who).append(": ").append(shortly(c)).append(" - ").append(c.how());
        c.fix().ifPresent(f -> s.append("\n      fix: ").append(f));
        s.append('\n');
    }
}
