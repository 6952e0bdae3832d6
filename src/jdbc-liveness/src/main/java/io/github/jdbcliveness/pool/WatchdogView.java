package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.inflight.LeaseWatch;
import io.github.jdbcliveness.inflight.ProcNetTcp;
import io.github.jdbcliveness.inflight.WatchedLease;
import io.github.jdbcliveness.keepalive.SocketPeek;
import io.github.jdbcliveness.pool.LeaseState.State;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * A tracked connection's lease as the in-flight watchdog and the host verdict see it: the lease in its state word,
 * and what the driver's socket says of the request (bytes written, a read waiting for an answer, the last bytes
 * received). Reads only; what it finds goes to the {@link Verdicts} and the {@link HostWatch}.
 */
final class WatchdogView implements WatchedLease {

    /** Far enough back to precede any verdict's evidence, near enough that the subtraction cannot wrap. */
    private static final long LEASE_COUNTS_AS_WAITING_NANOS = TimeUnit.HOURS.toNanos(1);

    private final TrackedConnection connection;
    private final PoolBinding binding;
    private final LeaseState state;
    /** The driver's socket, or null when no socket of ours was seen. */
    private final Socket socket;
    /** The socket's four-tuple in /proc/net/tcp, or null when no socket was seen. */
    private final ProcNetTcp.Flow flow;
    /** The in-flight watchdog's notes (its thread only). */
    private final LeaseWatch watch = new LeaseWatch();

    WatchdogView(TrackedConnection connection, PoolBinding binding, LeaseState state, Socket socket,
            AppliedKeepalive applied) {
        this.connection = connection;
        this.binding = binding;
        this.state = state;
        this.socket = socket;
        this.flow = applied == null ? null : ProcNetTcp.Flow.of(applied.local(), applied.remote());
    }

    @Override
    public long leaseEpoch() {
        long w = state.word();
        return LeaseState.state(w) == State.LEASED ? LeaseState.epoch(w) : -1;
    }

    @Override
    public ProcNetTcp.Flow flow() {
        return flow;
    }

    @Override
    public long bytesWritten() {
        return SocketPeek.bytesWritten(socket);
    }

    @Override
    public LeaseWatch watch() {
        return watch;
    }

    @Override
    public long waitingOnPeerSinceNanos() {
        return SocketPeek.waitingOnPeerSinceNanos(socket);
    }

    /**
     * Since when the current lease's request may be waiting on the host, for a host-down verdict: the driver's read
     * on our socket, or its write into a send buffer the peer does not empty (0 when it does neither). With no socket of ours to watch (a driver we do not know, a Unix
     * socket) a waiting request cannot be told from a lease between statements, so every lease counts as waiting
     * since long before the verdict and is aborted, as Oracle UCP's Fast Connection Failover aborts borrowed
     * connections on a host DOWN event; without it a request to a hung server on such a driver would wait as long as
     * the server hangs. No clock is read at borrow for it.
     */
    long waitingSinceNanos(long nowNanos) {
        return socket != null ? SocketPeek.waitingOnPeerSinceNanos(socket) : nowNanos - LEASE_COUNTS_AS_WAITING_NANOS;
    }

    /**
     * Whether the driver is blocked writing: the kernel's keepalive does not run while bytes wait to be sent, and a
     * peer's shut window is probed with a back-off that reaches minutes, so no kernel evidence ends such a write
     * within B.
     */
    boolean writeBlocked() {
        return socket != null && SocketPeek.writeBlockedSinceNanos(socket) != 0;
    }

    /** When the server last sent bytes on this connection ({@link System#nanoTime()}), or 0 (or no socket of ours). */
    long receivedAtNanos() {
        return SocketPeek.receivedAtNanos(socket);
    }

    /**
     * Whether the kernel can end a request on this connection within B if its path dies: its flow carries the
     * requested keepalive, the in-flight watchdog sees it, and the driver is not blocked writing.
     */
    boolean kernelCanWatch() {
        AppliedKeepalive applied = connection.applied();
        return applied != null && applied.asRequested() && binding.watchdogAvailable() && !writeBlocked();
    }

    /** Weighed by the host's verdict; aborted if the host is judged down and the kernel cannot watch it. */
    @Override
    public void waitingForAnswer(long epoch, long sinceNanos, long nowNanos) {
        String abort = binding.hosts().of(connection.hostKey()).requestWaiting(sinceNanos, nowNanos, kernelCanWatch());
        if (abort != null) {
            binding.verdicts().abortOnDownHost(connection, epoch, abort, nowNanos);
        }
    }

    @Override
    public void abortIfStillLeased(long epoch, String why, long nowNanos) {
        binding.verdicts().abortInFlight(connection, epoch, why, nowNanos);
    }

    @Override
    public String toString() {
        return connection.toString();
    }
}
