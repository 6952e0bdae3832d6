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
    HUNG_SERVER_WHILE_NEW_CONNECTIONS_SILENT
}
