package io.github.jdbcliveness.heartbeat;

/**
 * What the heartbeat needs from a pooled connection. Implemented by the pool binding's tracked connection;
 * everything that touches the network happens in {@link #probe}, on a probe thread, never on the ticker.
 */
public interface Probeable {

    /** Connections with the same key share a path: a timeout on one sweeps the others. */
    String hostKey();

    long intervalNanos();

    long probeTimeoutNanos();

    /** When the connection was last known alive: opened, or a probe passed. */
    long lastAliveNanos();

    /**
     * Claims an idle connection for a probe.
     *
     * @return a token for this probe, or -1 when the connection is leased, already probed, dead or closed
     */
    long tryStartProbe();

    /** The probe itself (a round-trip to the server). Blocking; the heartbeat enforces the timeout around it. */
    boolean probe(long token) throws Exception;

    /** Whether {@code token} still owns the connection (the probe has not ended, nothing else happened). */
    boolean probing(long token);

    void probePassed(long token, long startNanos, long endNanos);

    /** The probe answered no, or threw: the connection is dead. */
    void probeFailed(long token, Throwable cause, long startNanos, long endNanos);

    /** No answer within the probe timeout (and no scheduler stall to blame): the connection is dead. */
    void probeTimedOut(long token, long startNanos, long nowNanos);

    /** Dead or closed: drop it from the heartbeat. */
    boolean retired();
}
