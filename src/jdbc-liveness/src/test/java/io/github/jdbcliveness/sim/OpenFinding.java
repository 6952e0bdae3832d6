package io.github.jdbcliveness.sim;

/**
 * Violations the simulator found in the engine that are not fixed yet: each is written up in
 * {@code docs/simulation.md} with its seed, and has a disabled regression test in {@link SimOpenFindingsTest}. A run
 * counts them apart; anything else fails it.
 */
enum OpenFinding {

    /**
     * Invariant 4: new connections get no answer (their handshake is dropped or refused: a firewall that blocks new
     * flows, a full listen queue) while the existing ones work. With every connection leased and waiting on a long
     * query, nothing answers for a while, so the host verdict judges the host down and aborts the healthy requests.
     */
    NEW_CONNECTIONS_SILENT_ABORTS_HEALTHY,

    /**
     * Invariant 3: an upload to a server that hangs fills the server's buffer and blocks in write (zero window). The
     * watchdog looks only at the retransmit timer and the host verdict only at requests blocked in read, so the
     * request waits as long as the server hangs.
     */
    BLOCKED_WRITE_TO_HUNG_SERVER,

    /**
     * Invariant 7: after new connections failed for a while, HikariCP's connection adder sleeps between attempts,
     * doubling from 10 ms to 5 s; a sleep around the heal (or after a connect that was stuck in the dead path when it
     * healed) outlasts B = 4 s (the least budget), and nothing of the engine's can wake it. Not the engine's code, but
     * its promise.
     */
    HIKARI_ADDER_BACKOFF
}
