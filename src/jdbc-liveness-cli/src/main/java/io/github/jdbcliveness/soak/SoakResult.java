package io.github.jdbcliveness.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a soak found: the faults injected, and per pool the requests, the failures, the waits past B, the healthy
 * work killed, the dead connections left and the refill times; for jdbc-liveness, every violation with its moment.
 *
 * @param busyAtEnd per pool, application threads still in a request when the soak stopped and waited as long as
 *                  its longest healthy request takes and 5 s more
 */
public record SoakResult(long seed, Duration length, Duration budget, List<Injected> faults, List<LaneTally> lanes,
        List<Integer> busyAtEnd, List<Violation> closeViolations) {

    /** jdbc-liveness's violations, the close check's included. */
    public List<Violation> violations() {
        List<Violation> all = new ArrayList<>(lanes.get(0).violations());
        all.addAll(closeViolations);
        if (busyAtEnd.get(0) > 0) {
            all.add(new Violation(Violation.Invariant.WAITED_PAST_B, length.toNanos(), busyAtEnd.get(0)
                    + " request(s) still waiting 1.5 × B + 5.5 s after the traffic stopped"));
        }
        return all;
    }

    public String format() {
        StringBuilder s = new StringBuilder();
        Map<FaultKind, Integer> kinds = new EnumMap<>(FaultKind.class);
        int stalls = 0;
        for (Injected f : faults) {
            kinds.merge(f.kind(), 1, Integer::sum);
            stalls += f.episode().stalls() ? 1 : 0;
        }
        s.append("faults injected: ").append(kinds).append(stalls > 0 ? ", " + stalls + " with a client stall on top"
                : "").append('\n');
        s.append(String.format(Locale.ROOT, "  %-15s %8s %7s %11s %13s %14s %11s %6s %9s %9s %15s%n", "pool",
                "requests", "failed", "fast-failed", "under a fault", "healthy failed", "interrupted", "over B",
                "max wait", "dead left", "refill med/max"));
        for (int i = 0; i < lanes.size(); i++) {
            LaneTally t = lanes.get(i);
            long[] r = t.refills();
            String refill = r.length == 0 ? "-" : Seconds.of(r[r.length / 2]) + " / " + Seconds.of(r[r.length - 1])
                    + (t.notRefilled() > 0 ? " (" + t.notRefilled() + " never)" : "");
            s.append(String.format(Locale.ROOT, "  %-15s %8d %7d %11d %13d %14d %11d %6d %9s %9d %15s%n", t.label(),
                    t.requests(), t.failed(), t.fastFailed(), t.failedUnderFault(), t.healthyFailed(), t.interrupted(),
                    t.overB() + busyAtEnd.get(i), Seconds.of(t.maxWaitNanos()), t.deadLeft(), refill));
        }
        s.append("  fast-failed: refused at once while the host was judged down (never sent); under a fault: failed\n");
        s.append("  while a fault that permits it was in force or settling; healthy failed: failed with none in force\n");
        s.append("  over B: waited past B (+1 s) on a dead path or a hung server; max wait: the longest wait on one\n");
        s.append("  (until it failed, or beyond its own length)\n");
        s.append("  dead left: connections that reached nothing, B after each heal; refill: heal to a full pool\n");
        List<Violation> v = violations();
        for (Violation x : v) {
            s.append("violation, seed ").append(seed).append(' ').append(x).append('\n');
        }
        LaneTally plain = lanes.get(lanes.size() - 1);
        s.append(String.format(Locale.ROOT, "soak: seed %d, %s, %d faults; plain HikariCP broke them %d times; "
                + "jdbc-liveness violations: %d", seed, Seconds.of(length), faults.size(), plain.violations().size(),
                v.size()));
        return s.toString();
    }
}
