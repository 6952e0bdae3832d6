package io.github.jdbcliveness.drill;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The nft text of each fault, kept apart from running {@code nft} so it can be checked without root.
 *
 * <p>Every fault names the server port, and drops a packet where a real network would lose it: after it has left
 * the sender's TCP stack. Packets are therefore dropped on the receiving side, in the {@code input} hook: the
 * sender sees a normal transmission and retransmits as it would on a dead path. (A drop in {@code output} is a
 * local send error instead: Linux then arms its zero-window probe timer, not the retransmit timer, which is not
 * what a blackholed network looks like.) Client-to-server packets bound for a server on another host never reach
 * this host's {@code input}, so for those alone the rule sits in {@code output}, restricted by
 * {@code fib daddr type != local}.
 */
final class NftRules {

    private static final String REMOTE = " fib daddr type != local";

    private NftRules() {
    }

    static String createTable(String table) {
        return "create table inet " + table + "\n"
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
            s.append(toServer(table, "tcp dport " + port(serverPort), "drop"));
        }
        if (direction != Direction.TO_SERVER) {
            s.append(rule(table, "input", "tcp sport " + port(serverPort), "drop"));
        }
        return s.toString();
    }

    static String dropFlows(String table, int serverPort, Collection<Integer> clientPorts) {
        if (clientPorts.isEmpty()) {
            throw new IllegalArgumentException("dropFlows needs at least one client port");
        }
        String set = clientPorts.stream().map(NftRules::port).map(String::valueOf)
                .collect(Collectors.joining(", ", "{ ", " }"));
        return toServer(table, "tcp dport " + port(serverPort) + " tcp sport " + set, "drop")
                + rule(table, "input", "tcp sport " + port(serverPort) + " tcp dport " + set, "drop");
    }

    /** The client's SYNs to the server port (new connections only); established flows pass. */
    static String dropNewConnections(String table, int serverPort) {
        return toServer(table, "tcp dport " + port(serverPort) + " tcp flags & (syn | ack) == syn", "drop");
    }

    static String reset(String table, int serverPort) {
        return toServer(table, "tcp dport " + port(serverPort), "reject with tcp reset");
    }

    /** Client-to-server: on input for a server on this host, on output (remote destinations only) otherwise. */
    private static String toServer(String table, String match, String verdict) {
        return rule(table, "input", match, verdict) + rule(table, "output", match + REMOTE, verdict);
    }

    private static String rule(String table, String chain, String match, String verdict) {
        return "add rule inet " + table + " " + chain + " " + match + " " + verdict + "\n";
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
