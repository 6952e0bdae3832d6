package io.github.jdbcliveness;

/**
 * How keepalive came out across the physical connections a {@link KeepaliveDataSource} opened: a line worth
 * logging once the pool is up.
 *
 * @param connections     physical connections opened
 * @param asRequested     of those, sockets that carry exactly the requested keepalive
 * @param differing       sockets read back with other values (or SO_KEEPALIVE off)
 * @param unsupported     sockets on which the platform offers no per-socket options (plain SO_KEEPALIVE)
 * @param notObserved     connections whose socket our factory never saw (for example a Unix domain socket)
 * @param requested       what was asked for, or null when keepalive was left to the driver
 * @param lastDiffering   the most recent socket that differed, or null
 */
public record KeepaliveSummary(long connections, long asRequested, long differing, long unsupported,
        long notObserved, KeepaliveSettings requested, AppliedKeepalive lastDiffering) {

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TCP keepalive (")
                .append(requested != null ? requested : "left to the driver").append(") on ").append(connections)
                .append(connections == 1 ? " connection: " : " connections: ").append(asRequested)
                .append(" as requested");
        if (differing > 0) {
            s.append(", ").append(differing).append(" differing (last: ").append(lastDiffering).append(')');
        }
        if (unsupported > 0) {
            s.append(", ").append(unsupported).append(" on system defaults (per-socket options unsupported)");
        }
        if (notObserved > 0) {
            s.append(", ").append(notObserved).append(" not observed (no TCP socket seen)");
        }
        return s.toString();
    }
}
