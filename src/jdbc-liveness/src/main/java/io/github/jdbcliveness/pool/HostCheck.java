package io.github.jdbcliveness.pool;

/**
 * A check of one host for its {@link HostWatch}: a new connection of its own (not a pool entry) and one round trip,
 * bounded by the connect timeout. {@link HostCheckThread} in a pool; the simulation's on its simulated network.
 */
interface HostCheck extends AutoCloseable {

    /**
     * Starts a check, unless one is under way still.
     *
     * @return false when none started: nothing will be reported
     */
    boolean start(long startNanos, Result result);

    /** Ends a check under way now (its sockets closed). */
    @Override
    void close();

    /** What a check reports. */
    interface Result {

        /**
         * The server spoke: the check's connection logged in and its round trip ended ({@code roundTrip}: with the
         * server's answer), or its connect failed with the server's own error. Also after the check ended: then only
         * a round trip's answer counts, since the end closed the check's sockets, which ends the round trip too.
         */
        void answered(long nowNanos, boolean roundTrip);

        /**
         * Once per check, at its end or its deadline: {@code ANSWERED}; {@code UNKNOWN} (proves nothing); or
         * {@code SILENT}, with why, whether its TCP handshake went unanswered, and when this JVM saw it complete (0: it
         * did not, or it is not known).
         */
        void ended(long nowNanos, ConnectOutcome outcome, String why, boolean tcpSilent, long handshakeAtNanos);
    }
}
