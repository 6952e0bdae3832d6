package io.github.jdbcliveness.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A healthy but slow path to a local server: a veth pair into a network namespace of this drill's own, with a token
 * bucket ({@code tc tbf}) on the host's side, so that the client's uploads are limited by the rate and its kernel sees
 * real ACK pacing. A relay inside the namespace takes the client's connection and forwards it back to the host
 * through the veth, where a second relay forwards it to the server on loopback. The client's socket peers with the
 * namespace's relay: what the watchdog reads in {@code /proc} is the shaped hop. Needs root, {@code ip}, {@code tc}
 * and {@code python3}; everything it creates goes with {@link #close()} (deleting the namespace deletes the pair).
 */
final class RateLimitedPath implements AutoCloseable {

    private final String namespace;
    private final String hostSide;
    private final String nsAddress;
    private final List<RelayProcess> relays = new ArrayList<>();
    private int port;

    private RateLimitedPath(int slot) {
        long pid = ProcessHandle.current().pid();
        this.namespace = "jl-rate-" + pid;
        this.hostSide = "jlr" + pid;
        this.nsAddress = "10.213." + slot + ".2";
    }

    /** Why this cannot run here, or null when it can. */
    static String unavailableReason() {
        if (!NftFaults.isRoot()) {
            return "a network namespace and tc need root";
        }
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/sbin/tc"}) {
            if (!Files.isExecutable(Path.of(tool))) {
                return tool + " is missing (apt-get install iproute2)";
            }
        }
        return null;
    }

    /** A path at {@code rate} (tc syntax: {@code 8mbit}) to the server at 127.0.0.1:{@code serverPort}. */
    static RateLimitedPath open(int serverPort, String rate) throws IOException, InterruptedException {
        int slot = (int) (ProcessHandle.current().pid() % 200) + 20;
        RateLimitedPath p = new RateLimitedPath(slot);
        try {
            p.build(slot, serverPort, rate);
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void build(int slot, int serverPort, String rate) throws IOException, InterruptedException {
        String hostAddress = "10.213." + slot + ".1";
        KernelView.run("ip", "netns", "add", namespace);
        KernelView.run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "jlns0", "netns", namespace);
        KernelView.run("ip", "addr", "add", hostAddress + "/30", "dev", hostSide);
        KernelView.run("ip", "link", "set", hostSide, "up");
        KernelView.run("ip", "-n", namespace, "addr", "add", nsAddress + "/30", "dev", "jlns0");
        KernelView.run("ip", "-n", namespace, "link", "set", "jlns0", "up");
        KernelView.run("ip", "-n", namespace, "link", "set", "lo", "up");
        KernelView.run("tc", "qdisc", "add", "dev", hostSide, "root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms");
        RelayProcess hostRelay = RelayProcess.start(List.of(), hostAddress, "127.0.0.1", serverPort);
        relays.add(hostRelay);
        RelayProcess nsRelay = RelayProcess.start(List.of("ip", "netns", "exec", namespace), nsAddress, hostAddress,
                hostRelay.port());
        relays.add(nsRelay);
        port = nsRelay.port();
    }

    /** The address the client connects to: the namespace's relay. */
    String host() {
        return nsAddress;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        relays.forEach(RelayProcess::close);
        try {
            KernelView.run("ip", "netns", "del", namespace);
        } catch (IOException | InterruptedException e) {
            // not created, or already gone
        }
    }
}
