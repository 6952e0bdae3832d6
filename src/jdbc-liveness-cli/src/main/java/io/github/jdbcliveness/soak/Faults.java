package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.drill.ServerProcesses;
import io.github.jdbcliveness.drill.TcpRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes a soak's faults real, on both pools at the same moment: nft rules on the relays' ports (the kernel's view:
 * keepalive and the in-flight watchdog see these), the server's processes stopped, the relays frozen, reset or
 * slowed, the server ending the pools' sessions, this JVM stopped. Every fault is healed by {@link #heal}, and
 * {@link #close} heals whatever is left.
 */
final class Faults implements AutoCloseable {

    private final DatabaseTarget target;
    private final List<TcpRelay> relays;
    private final List<String> pools;
    private final NftFaults nft;
    private final ServerView server;
    private volatile List<Long> stopped = List.of();
    /** Continues a server left stopped if this JVM is ended during a hung-server fault (a CI run stopped). */
    private final Thread continueOnExit = new Thread(() -> {
        try {
            continueServer();
        } catch (IOException | InterruptedException e) {
            // exiting: nothing more to do
        }
    }, "soak-continue-server");

    /** @param nft null where the kernel's faults cannot run */
    Faults(DatabaseTarget target, List<TcpRelay> relays, List<String> pools, NftFaults nft,
            ServerView server) {
        this.target = target;
        this.relays = relays;
        this.pools = pools;
        this.nft = nft;
        this.server = server;
        Runtime.getRuntime().addShutdownHook(continueOnExit);
    }

    private void continueServer() throws IOException, InterruptedException {
        List<Long> pids = stopped;
        stopped = List.of();
        if (!pids.isEmpty()) {
            ServerProcesses.signal("CONT", pids);
        }
    }

    /** Puts {@code kind} in force and returns once it is; an instant fault is over when this returns. */
    void inject(FaultKind kind, SplittableRandom random) throws Exception {
        switch (kind) {
            case DEAD_PATH -> relays.forEach(r -> nft.blackhole(r.port()));
            case ONE_FLOW -> {
                for (TcpRelay r : relays) {
                    List<Integer> flows = clientPorts(r.port());
                    if (!flows.isEmpty()) {
                        nft.dropFlows(r.port(), List.of(flows.get(random.nextInt(flows.size()))));
                    }
                }
            }
            case NEW_CONNECTIONS_DROPPED -> relays.forEach(r -> nft.dropNewConnections(r.port()));
            case HUNG_SERVER -> {
                ServerProcesses.Result found;
                try (Connection admin = server.connect()) {
                    found = ServerProcesses.find(target, admin);
                }
                if (!found.found()) {
                    throw new IllegalStateException("a hung server cannot be made here: " + found.unavailableReason());
                }
                stopped = found.pids();
                ServerProcesses.signal("STOP", stopped);
            }
            case HUNG_PROXY -> relays.forEach(TcpRelay::freeze);
            case RESET -> {
                relays.forEach(TcpRelay::reset);
                relays.forEach(TcpRelay::heal);
            }
            case SESSIONS_ENDED -> server.endSessions(pools);
            case SLOW_LINK -> relays.forEach(r -> {
                r.latency(Duration.ofMillis(100));
                r.bandwidth(256 * 1024);
            });
            case CLIENT_STALL -> throw new IllegalArgumentException("a client stall is run by stall()");
        }
    }

    /** Ends the fault in force (nothing for an instant one). */
    void heal(FaultKind kind) throws IOException, InterruptedException {
        switch (kind) {
            case DEAD_PATH, ONE_FLOW, NEW_CONNECTIONS_DROPPED -> nft.heal();
            case HUNG_SERVER -> continueServer();
            case HUNG_PROXY, SLOW_LINK -> relays.forEach(TcpRelay::heal);
            default -> {
                // instant, or a stall that has ended
            }
        }
    }

    /**
     * Stops this JVM for {@code length} and returns once it runs again: a child shell sends SIGSTOP to it and
     * SIGCONT {@code length} later, as a long GC pause would freeze every thread at once.
     */
    static void stall(Duration length) throws IOException, InterruptedException {
        long pid = ProcessHandle.current().pid();
        String seconds = String.format(java.util.Locale.ROOT, "%.3f", length.toNanos() / 1e9);
        Process p = new ProcessBuilder("sh", "-c", "kill -STOP " + pid + "; sleep " + seconds + "; kill -CONT " + pid)
                .redirectErrorStream(true).start();
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IOException("the client stall failed (exit " + exit + "): "
                    + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
        }
    }

    /** The client ports of this machine's established connections to {@code port} ({@code ss}). */
    static List<Integer> clientPorts(int port) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "( dport = :" + port + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("ss failed: " + out.trim());
        }
        List<Integer> ports = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4) {
                String local = f[f.length - 2];
                ports.add(Integer.parseInt(local.substring(local.lastIndexOf(':') + 1)));
            }
        }
        return ports;
    }

    /** Heals whatever is still in force; the nft table is the caller's to delete. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (nft != null) {
            nft.heal();
        }
        continueServer();
        relays.forEach(TcpRelay::heal);
        try {
            Runtime.getRuntime().removeShutdownHook(continueOnExit);
        } catch (IllegalStateException e) {
            // exiting already
        }
    }
}
