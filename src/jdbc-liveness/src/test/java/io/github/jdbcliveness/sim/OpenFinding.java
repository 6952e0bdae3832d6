package io.github.jdbcliveness.sim;

/**
 * Violations the simulator found in the engine that are not fixed yet: each is written up in
 * {@code docs/simulation.md} with its seed, and has a disabled regression test in {@link SimOpenFindingsTest}. A run
 * counts them apart; anything else fails it.
 */
enum OpenFinding {

    /**
     * Invariant 7: after new connections failed for a while, HikariCP's connection adder sleeps between attempts,
     * doubling from 10 ms to 5 s; a sleep around the heal (or after a connect that was stuck in the dead path when it
     * healed) outlasts B = 4 s (the least budget), and nothing of the engine's can wake it. Not the engine's code, but
     * its promise.
     */
    HIKARI_ADDER_BACKOFF,

    /**
     * Invariant 3, and a limit rather than a defect: the server hangs while new connections are refused or hang, and
     * every connection is leased, so no probe can find the server's process silent. A request waiting for its answer
     * then looks exactly like a healthy long query while only new flows are blocked (seed 24, fixed: that query must
     * not be aborted), and the request waits as long as the server hangs, as under plain HikariCP. A statement
     * timeout of the application's own bounds it. An upload blocked by the hung server's shut window is not in this
     * limit: no kernel evidence would end it, so a verdict aborts it (seed 424).
     */
    HUNG_SERVER_WHILE_NEW_CONNECTIONS_SILENT,

    /**
     * Invariant 4 (seeds 1796678014593 and 1796681132431): a client stall (a GC pause) as a host check's deadline
     * falls due. The check's handshake completed, or its host came back, while the JVM stood still; its deadline fires
     * before its answer is read, which is a hung server's evidence, and the verdict aborts healthy requests as
     * {@code HOST_DOWN}. Excusing such a check was tried: it delayed a truly hung server's verdict past B when a stall
     * met its check (seed 1796681147836), and its timer still raced the ticker that sees the stall.
     */
    STALL_DURING_HOST_CHECK
}
