package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.KeepaliveSettings;
import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The network and the database server between the client's sockets: round trips, their faults, and new connections.
 * A request's bytes need a live path to be acknowledged, then a server that answers to be worked on, then a live path
 * again for the answer; whatever is stuck waits for the fault to heal (the kernels retransmit), never for longer than
 * that and never less. A path is dead while every flow is dropped (a blackhole, the host unreachable) or its own flow
 * was dropped (a middlebox forgot it: that one never heals).
 *
 * <p>What this assumes of the real kernel, driver and server is written down in {@code docs/simulation.md}.
 */
final class Network {

    /** How often the upload of a slow request sends (and on a live path, gets acknowledged) another chunk. */
    static final long UPLOAD_CHUNK_NANOS = 20_000_000L;
    static final long UPLOAD_WINDOW_BYTES = 65_536;
    static final long UPLOAD_CHUNK_BYTES = 16_384;
    /** Linux's least retransmission timeout. */
    static final long RTO_MIN_NANOS = 200_000_000L;
    /** The client's SYN goes out again after 1, 2, 4, 8... seconds. */
    static final long SYN_RETRY_NANOS = 1_000_000_000L;
    /** How often a connect waiting on a hung server looks again whether it answers. */
    static final long STARTUP_POLL_NANOS = 50_000_000L;

    private final EventLoop loop;
    private final List<SimSocket> open = new ArrayList<>();
    /** When new connections last stopped being refused or hanging, or 0. */
    private long newConnectionsSilentUntilNanos;
    private final long baseRttNanos;
    private long rttNanos;
    /** Faults under way of each kind: they may overlap, and the world heals only when the last one does. */
    private int flowDrops;
    /** When every flow last came back after all were dropped, or 0. */
    long pathsHealedAtNanos;
    private int serverHangs;
    private int connectRefusals;
    private int connectHangs;
    private int nextSocket;

    /** The server's receive buffer: a hung server's kernel takes this much of an upload, then closes its window. */
    static final long SERVER_BUFFER_BYTES = 262_144;

    private final KeepaliveSettings keepalive;

    Network(EventLoop loop, long rttNanos, KeepaliveSettings keepalive) {
        this.loop = loop;
        this.keepalive = keepalive;
        this.baseRttNanos = rttNanos;
        this.rttNanos = rttNanos;
    }

    boolean pathAlive(SimSocket s) {
        return flowDrops == 0 && !s.flowDropped;
    }

    boolean serverHung() {
        return serverHangs > 0;
    }

    long rttNanos() {
        return rttNanos;
    }

    long rtoNanos() {
        return RTO_MIN_NANOS + rttNanos;
    }

    List<SimSocket> open() {
        return open;
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    /** The driver sends {@code r} and waits for its answer (one at a time per socket: the caller checks). */
    void send(SimSocket s, Request r) {
        if (s.inFlight != null) {
            throw new IllegalStateException("two requests at once on " + s + ": " + s.inFlight + " and " + r);
        }
        long now = loop.now();
        r.sentAtNanos = now;
        s.inFlight = r;
        if (s.broken() || s.closedByServer) {
            fail(s, r, s.closedByServer ? "the server closed the connection" : "connection reset");
            return;
        }
        if (r.kind == Request.Kind.UPLOAD) {
            s.bytesWritten += UPLOAD_WINDOW_BYTES;
            s.unacknowledged = UPLOAD_WINDOW_BYTES;
            s.unacknowledgedSinceNanos = now;
            uploadChunk(s, r);
            return;
        }
        s.bytesWritten += r.bytes;
        s.unacknowledged += r.bytes;
        s.unacknowledgedSinceNanos = now;
        s.readingSinceNanos = now;
        acknowledge(s, r);
    }

    private void uploadChunk(SimSocket s, Request r) {
        loop.after(UPLOAD_CHUNK_NANOS, Side.WORLD, "upload-chunk " + s, () -> {
            if (s.inFlight != r) {
                return;
            }
            if (!pathAlive(s)) {
                s.waitingForPath = true; // the window is full and nothing is acknowledged: the writer blocks
                blockWriter(s);
                return;
            }
            if (serverHung()) {
                r.bufferedWhileHung += UPLOAD_CHUNK_BYTES;
                if (r.bufferedWhileHung > SERVER_BUFFER_BYTES) {
                    s.zeroWindow = true; // its kernel's buffer is full and nobody reads it: the writer blocks
                    s.waitingForServer = true;
                    blockWriter(s);
                    return;
                }
            }
            s.writingBlockedSinceNanos = 0; // the kernel takes bytes again: the writer moves
            s.lastHeardNanos = loop.now();
            s.bytesWritten += UPLOAD_CHUNK_BYTES; // one more chunk, and one acknowledged: the window stays full
            s.unacknowledgedSinceNanos = loop.now();
            r.uploadedNanos += UPLOAD_CHUNK_NANOS;
            if (r.uploadedNanos < r.uploadNanos) {
                uploadChunk(s, r);
            } else {
                s.writingBlockedSinceNanos = 0;
                s.readingSinceNanos = loop.now(); // the last byte is written: the driver reads the answer
                acknowledge(s, r);
            }
        });
    }

    private void blockWriter(SimSocket s) {
        if (s.writingBlockedSinceNanos == 0) {
            s.writingBlockedSinceNanos = loop.now();
        }
    }

    private void acknowledge(SimSocket s, Request r) {
        if (!pathAlive(s)) {
            s.waitingForPath = true;
            return;
        }
        loop.after(rttNanos / 2, Side.WORLD, "ack " + s, () -> {
            if (s.inFlight != r) {
                return;
            }
            if (!pathAlive(s)) {
                s.waitingForPath = true;
                return;
            }
            s.unacknowledged = 0;
            s.lastHeardNanos = loop.now();
            r.phase = Request.Phase.SERVER;
            work(s, r);
        });
    }

    private void work(SimSocket s, Request r) {
        if (serverHung()) {
            s.waitingForServer = true;
            return;
        }
        loop.after(r.workNanos, Side.WORLD, "server-done " + s, () -> {
            if (s.inFlight != r) {
                return;
            }
            if (serverHung()) {
                s.waitingForServer = true;
                return;
            }
            answer(s, r);
        });
    }

    private void answer(SimSocket s, Request r) {
        r.phase = Request.Phase.REPLY;
        if (!pathAlive(s)) {
            s.waitingForPath = true;
            return;
        }
        loop.after(rttNanos / 2, Side.WORLD, "answer-arrives " + s, () -> {
            if (s.inFlight != r) {
                return;
            }
            if (!pathAlive(s)) {
                s.waitingForPath = true;
                return;
            }
            s.lastHeardNanos = loop.now();
            // In the kernel now; the driver's thread reads it when it next runs (not during a client stall).
            loop.after(0, Side.CLIENT, "read " + s, () -> finish(s, r, true, null));
        });
    }

    private void fail(SimSocket s, Request r, String why) {
        loop.after(0, Side.CLIENT, "fail " + s + " (" + why + ")", () -> finish(s, r, false, why));
    }

    private void finish(SimSocket s, Request r, boolean answered, String failure) {
        if (s.inFlight != r || r.phase == Request.Phase.DONE) {
            return;
        }
        s.inFlight = null;
        s.readingSinceNanos = 0;
        s.writingBlockedSinceNanos = 0;
        s.waitingForPath = false;
        s.waitingForServer = false;
        s.zeroWindow = false;
        s.unacknowledged = 0;
        if (answered) {
            s.receivedAtNanos = loop.now();
        }
        r.phase = Request.Phase.DONE;
        r.done.ended(answered, failure);
    }

    /** Our side closes or aborts the socket: a request in flight fails at once. */
    void close(SimSocket s) {
        if (s.closed) {
            return;
        }
        s.closed = true;
        open.remove(s);
        Request r = s.inFlight;
        if (r != null) {
            fail(s, r, "aborted");
        }
    }

    // ---- faults ------------------------------------------------------------------------------------------------

    /** A middlebox forgets this flow: its packets go nowhere, for good. */
    void dropFlow(SimSocket s) {
        boolean wasAlive = pathAlive(s);
        s.flowDropped = true;
        if (wasAlive) {
            pathDied(s);
        }
    }

    void dropAllFlows(boolean dropped) {
        if (dropped && flowDrops == 0) {
            flowDrops++;
            for (SimSocket s : List.copyOf(open)) {
                if (!s.flowDropped) {
                    pathDied(s);
                }
            }
            return;
        }
        flowDrops += dropped ? 1 : -1;
        if (flowDrops == 0) {
            pathsHealedAtNanos = loop.now();
            resumeStuck();
        }
    }

    /**
     * The path of {@code s} just died. The kernel's keepalive (as jdbc-liveness sets it per socket) probes once the
     * socket has heard nothing for {@code idle}, every {@code interval}; after {@code count} unanswered probes the
     * socket fails with ETIMEDOUT, the request waiting on it too. Not while bytes are unacknowledged: then the kernel
     * retransmits instead (for about 15 minutes), which is the watchdog's to see.
     */
    private void pathDied(SimSocket s) {
        long now = loop.now();
        s.pathDeadSinceNanos = now;
        int death = ++s.pathDeaths;
        if (keepalive == null) {
            return;
        }
        long idle = keepalive.idle().toNanos();
        long interval = keepalive.interval().toNanos();
        // On a live path each probe is answered, and the next comes one idle later: the first unanswered one is
        // at most one idle after the death.
        long firstProbe = s.lastHeardNanos + idle;
        if (firstProbe < now) {
            firstProbe += ((now - firstProbe + idle - 1) / idle) * idle;
        }
        loop.at(firstProbe + keepalive.count() * interval, Side.WORLD, "keepalive-gives-up " + s, () -> {
            if (s.pathDeaths != death || pathAlive(s) || s.broken() || s.unacknowledged > 0) {
                return;
            }
            s.timedOut = true;
            s.closedByServer = true; // a peek sees the error as a close
            if (s.inFlight != null) {
                fail(s, s.inFlight, "connection timed out (keepalive)");
            }
        });
    }

    void hangServer(boolean hung) {
        serverHangs += hung ? 1 : -1;
        if (serverHangs == 0) {
            for (SimSocket s : List.copyOf(open)) {
                Request r = s.inFlight;
                if (!s.waitingForServer || r == null) {
                    continue;
                }
                s.waitingForServer = false;
                if (s.zeroWindow) {
                    s.zeroWindow = false;
                    r.bufferedWhileHung = 0;
                    uploadChunk(s, r);
                } else {
                    answer(s, r);
                }
            }
        }
    }

    /** Round trips take {@code factor} times as long (a congested or throttled link). */
    void slowLink(long factor) {
        rttNanos = baseRttNanos * factor;
    }

    /** A reset reaches every open socket (a middlebox or the server's kernel rejects the flows). */
    void resetAll() {
        for (SimSocket s : List.copyOf(open)) {
            s.reset = true;
            s.closedByServer = true; // a peek sees the reset as a close
            if (s.inFlight != null) {
                fail(s, s.inFlight, "connection reset");
            }
        }
    }

    /** The server ends one session (pg_terminate_backend): its termination message and FIN reach the client. */
    void endSession(SimSocket s, Runnable arrived) {
        loop.after(rttNanos / 2, Side.WORLD, "fin-arrives " + s, () -> {
            if (s.closed) {
                return;
            }
            s.closedByServer = true;
            arrived.run();
            if (s.inFlight != null) {
                fail(s, s.inFlight, "terminating connection due to administrator command");
            }
        });
    }

    void refuseConnects(boolean refused) {
        boolean was = newConnectionsSilent();
        connectRefusals += refused ? 1 : -1;
        newConnectionsSilentChanged(was);
    }

    void hangConnects(boolean hang) {
        boolean was = newConnectionsSilent();
        connectHangs += hang ? 1 : -1;
        newConnectionsSilentChanged(was);
    }

    private void newConnectionsSilentChanged(boolean was) {
        if (was && !newConnectionsSilent()) {
            newConnectionsSilentUntilNanos = loop.now();
        }
    }

    /** Whether new connections were refused or hung at any moment since {@code sinceNanos}: no check reached it. */
    boolean newConnectionsSilentSince(long sinceNanos) {
        return newConnectionsSilent() || newConnectionsSilentUntilNanos != 0
                && newConnectionsSilentUntilNanos - sinceNanos >= 0;
    }

    private boolean newConnectionsSilent() {
        return connectRefusals > 0 || connectHangs > 0;
    }

    private void resumeStuck() {
        for (SimSocket s : List.copyOf(open)) {
            Request r = s.inFlight;
            if (!s.waitingForPath || r == null || !pathAlive(s)) {
                continue;
            }
            s.waitingForPath = false;
            switch (r.phase) {
                case SENDING -> {
                    if (r.kind == Request.Kind.UPLOAD && r.uploadedNanos < r.uploadNanos) {
                        uploadChunk(s, r);
                    } else {
                        acknowledge(s, r);
                    }
                }
                case REPLY -> answer(s, r);
                default -> { }
            }
        }
    }

    // ---- new connections ---------------------------------------------------------------------------------------

    /**
     * A new connection: the TCP handshake (the SYN is sent again after 1, 2, 4... s while unanswered), then the
     * server's startup answer; {@code opened} gets the socket, or {@code failed} why and when the TCP handshake
     * completed (0: it did not), at the latest at {@code timeoutNanos}.
     */
    void connect(long timeoutNanos, Consumer<SimSocket> opened, BiConsumer<String, Long> failed) {
        connect(timeoutNanos, opened, failed, new long[1]);
    }

    /** As above; {@code handshakeAt[0]} is set to when the TCP handshake completed. */
    void connect(long timeoutNanos, Consumer<SimSocket> opened, BiConsumer<String, Long> failed, long[] handshakeAt) {
        long start = loop.now();
        boolean[] over = new boolean[2]; // ended; handshake completed
        if (connectRefusals > 0) {
            loop.after(rttNanos, Side.CLIENT, "connect-refused", () -> failed.accept("connection refused", 0L));
            return;
        }
        loop.at(start + timeoutNanos, Side.CLIENT, "connect-timeout", () -> {
            if (!over[0]) {
                over[0] = true;
                failed.accept("connect timed out", over[1] ? handshakeAt[0] : 0L);
            }
        });
        syn(start, 0, over, handshakeAt, opened);
    }

    private void syn(long start, int attempt, boolean[] over, long[] handshakeAt, Consumer<SimSocket> opened) {
        long at = start + SYN_RETRY_NANOS * ((1L << attempt) - 1);
        loop.at(at, Side.WORLD, "syn", () -> {
            if (over[0]) {
                return;
            }
            if (flowDrops > 0 || connectHangs > 0) {
                syn(start, attempt + 1, over, handshakeAt, opened);
                return;
            }
            loop.after(rttNanos, Side.WORLD, "syn-ack", () -> {
                over[1] = true;
                handshakeAt[0] = loop.now();
                startup(over, opened);
            });
        });
    }

    private void startup(boolean[] over, Consumer<SimSocket> opened) {
        if (over[0]) {
            return;
        }
        if (serverHung() || flowDrops > 0) {
            loop.after(STARTUP_POLL_NANOS, Side.WORLD, "startup-waits", () -> startup(over, opened));
            return;
        }
        loop.after(rttNanos, Side.CLIENT, "connected", () -> {
            if (over[0]) {
                return;
            }
            over[0] = true;
            SimSocket s = new SimSocket(++nextSocket);
            s.receivedAtNanos = loop.now();
            s.lastHeardNanos = loop.now();
            open.add(s);
            opened.accept(s);
        });
    }
}
