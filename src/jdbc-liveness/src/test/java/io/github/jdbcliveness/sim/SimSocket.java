package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.inflight.ProcNetTcp;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One connection's socket, as the client's kernel and driver see it: what was written and acknowledged, when the
 * server last sent anything, whether a reset or the server's own close (a termination message and a FIN) has
 * arrived, and the one request the driver has in flight. The {@link Network} moves it.
 */
final class SimSocket {

    static final InetAddress CLIENT = address(10, 0, 0, 1);
    static final InetAddress SERVER = address(10, 0, 0, 2);
    static final int SERVER_PORT = 5432;

    /** {@code /proc/net/tcp}'s timer code while the peer's window is closed. */
    static final int TIMER_ZERO_WINDOW_PROBE = 4;

    final int id;
    final ProcNetTcp.Flow flow;
    /** A middlebox forgot this flow (NAT or load-balancer eviction): its packets go nowhere, for good. */
    boolean flowDropped;
    /** A reset arrived: every read and write fails at once. */
    boolean reset;
    /** The server's termination message and FIN are waiting in the receive queue: a peek sees the close. */
    boolean closedByServer;
    /** Closed or aborted on our side. */
    boolean closed;
    long bytesWritten;
    long unacknowledged;
    /** Since when the oldest unacknowledged byte waits (meaningful while {@link #unacknowledged} > 0). */
    long unacknowledgedSinceNanos;
    /** When a read last returned bytes from the server (0: never). */
    long receivedAtNanos;
    /** Since when the driver's thread has been blocked reading the answer (0: not reading). */
    long readingSinceNanos;
    /** Since when the driver's write has been blocked, the send buffer full and not draining (0: not blocked). */
    long writingBlockedSinceNanos;

    /** As {@code KeepaliveSocket.waitingOnPeerSinceNanos}: reading for an answer, or blocked writing. */
    long waitingOnPeerSinceNanos() {
        long reading = readingSinceNanos;
        long writing = writingBlockedSinceNanos;
        return reading == 0 ? writing : writing == 0 ? reading : Math.min(reading, writing);
    }
    /** The request in flight, or null. */
    Request inFlight;
    /** The request waits for the path to heal (its bytes or its answer are stuck). */
    boolean waitingForPath;
    /** The request waits for the server to answer again (a hung server). */
    boolean waitingForServer;
    /** The server's receive window is closed (a hung server stopped reading): the writer blocks. */
    boolean zeroWindow;
    /** When the kernel last heard from the server (an acknowledgement, an answer, a keepalive reply). */
    long lastHeardNanos;
    /** Since when the path is dead, and how many times it died: a keepalive verdict is for one death only. */
    long pathDeadSinceNanos;
    int pathDeaths;
    /** The kernel's keepalive gave up on the socket (ETIMEDOUT): every read and write fails. */
    boolean timedOut;

    SimSocket(int id) {
        this.id = id;
        this.flow = new ProcNetTcp.Flow(CLIENT, 40000 + id, SERVER, SERVER_PORT);
    }

    /** Whether a write or read now fails at once. */
    boolean broken() {
        return reset || closed || timedOut;
    }

    /**
     * The kernel's line for this socket ({@code /proc/net/tcp}), or null when it has none (closed, reset). With
     * bytes unacknowledged on a dead path the retransmit timer runs and the retransmissions back off, doubling from
     * {@code rtoNanos}; on a live path the acknowledgements keep coming and nothing is retransmitted.
     */
    ProcNetTcp.Entry kernelEntry(long nowNanos, boolean pathAlive, long rtoNanos) {
        if (broken()) {
            return null;
        }
        int retransmits = 0;
        long rto = rtoNanos;
        if (unacknowledged > 0 && !pathAlive && !zeroWindow) {
            long waited = nowNanos - unacknowledgedSinceNanos;
            // Retransmission k goes out at rto × (2^k − 1) after the first send.
            while (retransmits < 15 && rtoNanos * ((1L << (retransmits + 1)) - 1) <= waited) {
                retransmits++;
            }
            rto = rtoNanos << retransmits;
        }
        long ticks = Math.max(1, rto / (1_000_000_000L / ProcNetTcp.Entry.TICKS_PER_SECOND));
        int timer = unacknowledged == 0 ? ProcNetTcp.TIMER_KEEPALIVE : zeroWindow ? TIMER_ZERO_WINDOW_PROBE
                : ProcNetTcp.TIMER_RETRANSMIT;
        return new ProcNetTcp.Entry(flow.localPort(), flow.remotePort(), ProcNetTcp.ESTABLISHED, unacknowledged, 0,
                timer, ticks, retransmits, id, ticks, CLIENT, SERVER);
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "s" + id;
    }
}
