package io.github.jdbcliveness.audit;

import java.util.List;

/** The audit's prediction: one row per failure mode and connection state. */
public record AuditTable(AuditInputs inputs, List<Row> rows) {

    /** Exit status when a jdbc-liveness cell misses the budget: the deploy gate. */
    public static final int EXIT_LIVENESS_MISSES = 3;

    /** The jdbc-liveness cells that break the promise (over the budget, or a healthy query aborted). */
    public List<Row> livenessMisses() {
        return rows.stream().filter(r -> r.liveness().verdict().misses()).toList();
    }

    public Row row(Mode mode, Mode.State state) {
        return rows.stream().filter(r -> r.mode() == mode && r.state() == state).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no row for " + mode + " / " + state));
    }

    public int exitCode() {
        return livenessMisses().isEmpty() ? 0 : EXIT_LIVENESS_MISSES;
    }
}
