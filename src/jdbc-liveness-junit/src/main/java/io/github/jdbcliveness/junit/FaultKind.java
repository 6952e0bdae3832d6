package io.github.jdbcliveness.junit;

/** What goes wrong in a drill, in the words of an outage report. */
public enum FaultKind {

    /** The database process stops answering while its kernel still ACKs: a hung server, or a hung proxy. */
    HUNG_SERVER("a hung server: the process answers nothing, its kernel still ACKs"),

    /** Packets stop getting through, with no reset: a dead route, a host that lost power, a NAT that forgot it. */
    DEAD_PATH("a dead path: packets vanish without a reset (dead route, powered-off host, NAT or firewall eviction)"),

    /** The server's sessions end at once: a crash, a restart or a failover. */
    CRASH("a crash or restart: every session ends, and the server comes back");

    private final String models;

    FaultKind(String models) {
        this.models = models;
    }

    /** What the fault stands for, for reports. */
    public String models() {
        return models;
    }
}
