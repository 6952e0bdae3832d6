package io.github.jdbcliveness.audit;

import java.util.ArrayList;
import java.util.List;

/** The prediction, as a pure function: settings in, table out. No clock, no socket, no server. */
public final class AuditModel {

    private AuditModel() {
    }

    public static AuditTable predict(AuditInputs in) {
        Fixes fixes = new Fixes(in.config(), in.server().kind());
        PlainModel plain = new PlainModel(in, fixes);
        LivenessModel liveness = new LivenessModel(in, fixes);
        ServerModel server = new ServerModel(in, fixes);
        List<Row> rows = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (Mode.State state : mode.states()) {
                rows.add(new Row(mode, state, plain.cell(mode, state), liveness.cell(mode, state),
                        server.cell(mode, state), DrillMap.drill(mode, state, in.kernelFaults())));
            }
        }
        return new AuditTable(in, List.copyOf(rows));
    }
}
