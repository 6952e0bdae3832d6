package io.github.jdbcliveness.heartbeat;

/** What the heartbeat tells the pools about itself (not about single connections). */
public interface HeartbeatEvents {

    /** The ticker woke {@code lagNanos} later than planned (GC pause, VM freeze, CPU starvation). */
    default void stalled(long lagNanos) {
    }

    /** A probe whose deadline passed during a stall got another probe timeout instead of an eviction. */
    default void reprobedAfterStall(Probeable p) {
    }
}
