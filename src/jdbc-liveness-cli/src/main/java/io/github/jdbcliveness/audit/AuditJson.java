package io.github.jdbcliveness.audit;

import java.util.stream.Collectors;

/** The same table for machines, written by hand (no JSON library on the class path). */
public final class AuditJson {

    private AuditJson() {
    }

    public static String format(AuditTable table) {
        AuditInputs in = table.inputs();
        StringBuilder s = new StringBuilder("{");
        field(s, "target", in.target()).append(',');
        field(s, "server", in.server().kind().label() + " " + in.server().version()).append(',');
        s.append("\"budget_ms\":").append(in.budget().toMillis()).append(',');
        s.append("\"middlebox_idle_ms\":").append(in.middleboxIdle().map(d -> String.valueOf(d.toMillis()))
                .orElse("null")).append(',');
        s.append("\"rows\":[").append(table.rows().stream().map(AuditJson::row).collect(Collectors.joining(",")))
                .append("],");
        s.append("\"liveness_misses\":").append(table.livenessMisses().size()).append(',');
        s.append("\"exit\":").append(table.exitCode()).append("}\n");
        return s.toString();
    }

    private static String row(Row r) {
        StringBuilder s = new StringBuilder("{");
        field(s, "mode", r.mode().key()).append(',');
        field(s, "state", r.state().key()).append(',');
        s.append("\"plain_hikaricp\":").append(cell(r.plain())).append(',');
        s.append("\"jdbc_liveness\":").append(cell(r.liveness())).append(',');
        s.append("\"server\":").append(cell(r.server())).append(',');
        field(s, "drill", r.drill());
        return s.append('}').toString();
    }

    private static String cell(Cell c) {
        StringBuilder s = new StringBuilder("{");
        s.append("\"noticed_after_ms\":").append(c.after().map(d -> String.valueOf(d.toMillis())).orElse("null"))
                .append(',');
        field(s, "verdict", c.verdict().key()).append(',');
        field(s, "how", c.how()).append(',');
        s.append("\"fix\":").append(c.fix().map(AuditJson::quote).orElse("null"));
        return s.append('}').toString();
    }

    private static StringBuilder field(StringBuilder s, String name, String value) {
        return s.append(quote(name)).append(':').append(quote(value));
    }

    /** A JSON string: quotes, backslashes and every control character escaped. */
    static String quote(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (ch < 0x20 || ch == 0x2028 || ch == 0x2029) {
                        s.append(String.format("\\u%04x", (int) ch));
                    } else {
                        s.append(ch);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
