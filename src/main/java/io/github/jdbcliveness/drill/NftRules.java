package io.github.jdbcliveness.drill;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The nft text of each fault, kept apart from running {@code nft} so it can be checked without root.
 *
 * <p>Every fault names the server port. Packets from the client to the server leave through the {@code output}
 * hook ({@code dport} = server port); packets from the server arrive through {@code input} ({@code sport} =
 * server port). On loopback both directions pass both hooks, so matching the server port on the right side of
 * each hook affects each direction exactly once and works for a local and for a remote server alike.
 */
final class NftRules {

    private NftRules() {
    }

    static String createTable(String table) {
        return "add table inet " + table + "\n"
                + "add chain inet " + table + " output { type filter hook output priority -10; policy accept; }\n"
                + "add chain inet " + table + " input { type filter hook input priority -10; policy accept; }\n";
    }

    static String deleteTable(String table) {
        return "delete table inet " + table + "\n";
    }

    static String flush(String table) {
        return "flush chain inet " + table + " output\n" + "flush chain inet " + table + " input\n";
    }

    static String drop(String table, int serverPort, Direction direction) {
        StringBuilder s = new StringBuilder();
        if (direction != Direction.FROM_SERVER) {
            s.append("add rule inet ").append(table).append(" output tcp dport ").append(port(serverPort))
                    .append(" drop\n");
        }
        if (direction != Direction.TO_SERVER) {
            s.append("add rule inet ").append(table).append(" input tcp sport ").append(port(serverPort))
                    .append(" drop\n");
        }
        return s.toString();
    }

    static String dropFlows(String table, int serverPort, Collection<Integer> clientPorts) {
        if (clientPorts.isEmpty()) {
            throw new IllegalArgumentException("dropFlows needs at least one client port");
        }
        String set = clientPorts.stream().map(NftRules::port).map(String::valueOf)
                .collect(Collectors.joining(", ", "{ ", " }"));
        return "add rule inet " + table + " output tcp dport " + port(serverPort) + " tcp sport " + set + " drop\n"
                + "add rule inet " + table + " input tcp sport " + port(serverPort) + " tcp dport " + set + " drop\n";
    }

    static String reset(String table, int serverPort) {
        return "add rule inet " + table + " output tcp dport " + port(serverPort) + " reject with tcp reset\n";
    }

    private static int port(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port (" + port + ") must be between 1 and 65535");
        }
        return port;
    }

    /** Which way packets are dropped, seen from the client. */
    enum Direction {
        /** Client to server: requests and probes are lost, the server sees nothing. */
        TO_SERVER,
        /** Server to client: the server works, its answers and ACKs are lost. */
        FROM_SERVER,
        BOTH
    }
}
