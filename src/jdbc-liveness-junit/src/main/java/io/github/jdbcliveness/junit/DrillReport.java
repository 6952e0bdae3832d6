package io.github.jdbcliveness.junit;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;

/** The few lines printed after a drill: what was done, what the pool noticed and when, what the traffic felt. */
final class DrillReport {

    private DrillReport() {
    }

    static String format(String test, DrillTarget target, Duration budget, DrillFault fault,
            DrillRecorder.Snapshot seen, DrillTraffic traffic, HikariDataSource pool, long fullAt) {
        StringBuilder s = new StringBuilder();
        s.append("jdbc-liveness drill ").append(test).append(": ").append(target.describe()).append(", B = ")
                .append(Drill.seconds(budget.toNanos()));
        if (pool != null) {
            s.append(", pool of ").append(pool.getMaximumPoolSize());
        }
        s.append('\n');
        if (fault == null) {
            return s.append("  no fault was chosen\n").toString();
        }
        s.append("  fault     ").append(fault.describe()).append('\n');
        long at = fault.injectedAtNanos();
        if (at == 0) {
            return s.append("  the fault was never injected\n").toString();
        }
        s.append("  noticed   ");
        if (seen.firstDetection() == 0) {
            s.append("nothing yet");
        } else {
            s.append(Drill.seconds(seen.firstDetection() - at)).append(" after the fault");
            if (seen.hostDownAt() != 0) {
                s.append("; host judged down after ").append(Drill.seconds(seen.hostDownAt() - at)).append(" (")
                        .append(seen.hostEvidence()).append(')');
            }
            if (seen.evictions() > 0) {
                s.append("; ").append(seen.evictions()).append(" evicted, the last ")
                        .append(Drill.seconds(seen.lastEviction() - at)).append(" after the fault");
            }
        }
        s.append("\n  caught by ").append(seen.caughtBy()).append('\n');
        if (traffic != null) {
            s.append("  traffic   ").append(traffic.threads()).append(" threads: ").append(traffic.requests())
                    .append(" requests, ").append(traffic.failed()).append(" failed")
                    .append(traffic.fastFailed() > 0 ? " (" + traffic.fastFailed() + " of them refused at once: the "
                            + "host was judged down, nothing was sent)" : "").append(", slowest ")
                    .append(Drill.seconds(traffic.slowestNanos())).append(", slowest borrow ")
                    .append(Drill.seconds(traffic.slowestBorrowNanos())).append('\n');
            if (traffic.firstError() != null) {
                s.append("            first failure: ").append(traffic.firstError()).append('\n');
            }
        }
        long healed = fault.healedAtNanos();
        s.append("  healed    ").append(healed == 0 ? "not yet" : Drill.seconds(healed - at) + " after the fault");
        if (healed != 0 && fullAt > healed) {
            s.append("; the pool was full again ").append(Drill.seconds(fullAt - healed)).append(" after the heal");
        } else if (healed != 0 && pool != null) {
            s.append("; pool now ").append(pool.getHikariPoolMXBean().getTotalConnections()).append(" of ")
                    .append(pool.getMaximumPoolSize());
        }
        return s.append('\n').toString();
    }
}
