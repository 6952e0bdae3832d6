package io.github.jdbcliveness.audit;

import java.util.List;

/** The failure modes the audit predicts, each with the connection states it can meet. */
public enum Mode {
    NAT_EVICTION("NAT or load balancer evicts an idle flow", "nat-eviction", List.of(State.IDLE, State.AWAITING)),
    DEAD_ROUTE("dead route or host down", "dead-route", List.of(State.IDLE, State.AWAITING)),
    HUNG_SERVER("hung server, its kernel alive", "hung-server", List.of(State.IDLE, State.AWAITING)),
    SERVER_KILL("server-side kill or restart", "server-kill", List.of(State.IDLE, State.AWAITING)),
    DEAD_PATH_REQUEST("a request sent into a dead path", "request-into-dead-path", List.of(State.UNACKNOWLEDGED)),
    LONG_QUERY("a long query on a healthy path", "long-query", List.of(State.AWAITING)),
    FAILOVER("failover, the old primary stays up read-only", "failover-old-primary-up", List.of(State.IDLE));

    private final String label;
    private final String key;
    private final List<State> states;

    Mode(String label, String key, List<State> states) {
        this.label = label;
        this.key = key;
        this.states = states;
    }

    public String label() {
        return label;
    }

    /** The stable name in the JSON output. */
    public String key() {
        return key;
    }

    public List<State> states() {
        return states;
    }

    /** The state a connection is in when the fault meets it. */
    public enum State {
        IDLE("idle in the pool", "idle"),
        AWAITING("awaiting an answer", "awaiting-answer"),
        UNACKNOWLEDGED("request unacknowledged", "request-unacknowledged");

        private final String label;
        private final String key;

        State(String label, String key) {
            this.label = label;
            this.key = key;
        }

        public String label() {
            return label;
        }

        public String key() {
            return key;
        }
    }
}
