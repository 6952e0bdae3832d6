package io.github.jdbcliveness.junit;

/**
 * Where a drill's fault is made, from the most real to the least. What each can show differs: a fault behind a
 * userspace relay is invisible to kernel keepalive and to the in-flight watchdog, because the relay's own kernel
 * answers for the peer.
 */
public enum FaultLayer {

    /** Packets dropped by an {@code nft} table of the drill's own. Needs root and nftables; servers on loopback. */
    KERNEL("nft drops in this machine's kernel", true),

    /** The server's own processes stopped with SIGSTOP (SIGCONT heals). Needs a server on this machine, same user. */
    PROCESS("SIGSTOP of the server's processes", true),

    /** Docker acts on the database's container: pause, disconnect from its network, kill and restart. */
    CONTAINER("Docker on the database container", true),

    /** The server ends every session of the drill's user (pg_terminate_backend / KILL). Needs that privilege. */
    SERVER("the server ends every session", true),

    /** A relay in this JVM between the driver and the server: freeze, blackhole, reset. No root, no Docker. */
    RELAY("a userspace relay in this JVM (its kernel answers for the peer: keepalive and the in-flight watchdog "
            + "cannot see through it)", false);

    private final String description;
    private final boolean kernelEvidence;

    FaultLayer(String description, boolean kernelEvidence) {
        this.description = description;
        this.kernelEvidence = kernelEvidence;
    }

    /** How the fault is made, for reports. */
    public String description() {
        return description;
    }

    /** Whether kernel-level evidence (keepalive, the {@code /proc} watchdog) can see a fault made here. */
    public boolean kernelEvidence() {
        return kernelEvidence;
    }
}
