package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.heartbeat.Probeable;
import io.github.jdbcliveness.heartbeat.SimHeartbeatAccess;
import io.github.jdbcliveness.inflight.LeaseWatch;
import io.github.jdbcliveness.inflight.ProcNetTcp;
import io.github.jdbcliveness.inflight.WatchedLease;
import io.github.jdbcliveness.pool.SimEngine;
import io.github.jdbcliveness.pool.SimLease;
import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.ArrayList;
import java.util.List;

/**
 * A pooled connection: the real {@link SimLease lease word} ({@code LeaseState}), the real {@link LeaseWatch} and the
 * engine's real probe claims ({@code ProbeClaims}, through its {@link SimEngine.Entry}), on a simulated socket. The
 * heartbeat ({@code HeartbeatCore}) probes it as a {@link Probeable}, the in-flight watchdog
 * ({@code InflightWatchdog}) watches it as a {@link WatchedLease}.
 *
 * <p>What is left of {@code ProbeTarget}, {@code WatchdogView} and {@code TrackedConnection}, which need a running
 * {@code PoolBinding} (HikariCP, real threads, real sockets), is glue: the probe's round trip on the simulated network
 * (its start and its end apart, as a probe thread meets them), the socket's reads, the end of a lease, the close.
 * Each method says which one it stands for.
 *
 * <p>Beside that, the ground truth the invariants judge by: since when the connection is truly impaired (its path
 * dead, its server hung, closed or reset), and whether it ever was.
 */
final class SimConnection implements Probeable, WatchedLease, SimEngine.Connection {

    static final String HOST = "db:5432";

    final int id;
    final SimSocket socket;
    final SimLease lease = new SimLease();
    /** The connection as the engine's verdicts, borrow guard, lease attempt and probe claims see it. */
    final SimEngine.Entry entry;
    final ConnectionRef ref;
    private final Sim sim;
    private final LeaseWatch watch = new LeaseWatch();
    /** Borrowers waiting for this connection's probe to end ({@code ProbeTarget.awaitEnd}). */
    private final List<Runnable> probeEndWaiters = new ArrayList<>();
    /** The probe a probe thread runs now: its token, whether it started, its answer. */
    private long probeToken = -1;
    private boolean probeRan;
    private boolean probeAnswered;

    // HikariCP's view (SimPool's)
    boolean inBag;
    boolean handedOut;
    boolean evicted;

    // Ground truth (the invariants')
    final long openedAtNanos;
    /** Impaired now: its path dead, its server hung, or closed or reset for good. */
    boolean impaired;
    /** Since when it is impaired without a break (meaningful while {@link #impaired}). */
    long impairedSinceNanos;
    /** Impaired for good: its own flow dropped, reset, or its session ended by the server. */
    boolean impairedForGood;
    boolean everImpaired;
    /** When it last went back into the pool (or opened): an idle connection's budget runs from here at the latest. */
    long idleSinceNanos;
    boolean closed;
    boolean reportedLate;

    SimConnection(Sim sim, int id, SimSocket socket, long nowNanos) {
        this.sim = sim;
        this.id = id;
        this.socket = socket;
        this.ref = new ConnectionRef("sim", id, null, null);
        this.entry = sim.engine.entry(this, sim.host::watch, this::flowAcknowledged, nowNanos);
        this.openedAtNanos = nowNanos;
        this.idleSinceNanos = nowNanos;
    }

    // ---- Probeable (ProbeTarget's) --------------------------------------------------------------------------------

    @Override
    public String hostKey() {
        return HOST;
    }

    @Override
    public long intervalNanos() {
        return sim.settings.intervalNanos();
    }

    @Override
    public long probeTimeoutNanos() {
        return sim.settings.probeTimeoutNanos();
    }

    @Override
    public long lastAliveNanos() {
        return entry.lastAliveNanos();
    }

    /** {@code ProbeTarget.answered}: the server's last answer to the application, at the end of a lease. */
    void answered(long answeredNanos) {
        entry.answered(answeredNanos);
    }

    /** The engine's {@code ProbeClaims.tryStartProbe}; the probe task the heartbeat submits next is this one's. */
    @Override
    public long tryStartProbe() {
        long token = entry.tryStartProbe();
        if (token >= 0) {
            sim.probeThreads.nextTaskIsFor(this, token);
        }
        return token;
    }

    /**
     * A probe thread starts the heartbeat's task: the first half of {@code ProbeTarget.probe} (the probe starts only
     * if no borrower took the connection back meanwhile) and the round trip's start. The task runs, and reports,
     * once the round trip ended.
     */
    void probeThreadStarts(long token, Runnable task) {
        SimHeartbeatAccess.begin(task);
        probeToken = token;
        probeRan = false;
        probeAnswered = false;
        if (!entry.startProbe(token)) {
            task.run();
            return;
        }
        probeRan = true;
        sim.events.probeStarted();
        if (!sim.invariants.probeStarts(this, token)) {
            task.run(); // reported; the round trip is not sent
            return;
        }
        sim.network.send(socket, Request.probe((answered, failure) -> {
            probeAnswered = answered;
            task.run();
        }));
    }

    /** The second half of {@code ProbeTarget.probe}: the round trip's outcome ({@code isValid} never throws). */
    @Override
    public boolean probe(long token) {
        return token == probeToken && probeRan && probeAnswered;
    }

    @Override
    public boolean probing(long token) {
        return entry.probing(token);
    }

    @Override
    public void probePassed(long token, long startNanos, long endNanos) {
        entry.probePassed(token, startNanos, endNanos);
    }

    @Override
    public void probeFailed(long token, Throwable cause, long startNanos, long endNanos) {
        entry.probeFailed(token, cause, startNanos, endNanos);
    }

    @Override
    public void probeTimedOut(long token, long startNanos, long nowNanos) {
        entry.probeTimedOut(token, startNanos, nowNanos);
    }

    /** ProbeTarget.flowAcknowledged: nothing unacknowledged in the kernel's line, or no line. */
    private boolean flowAcknowledged() {
        ProcNetTcp.Entry e = socket.kernelEntry(sim.loop.now(), sim.network.pathAlive(socket), sim.network.rtoNanos());
        return e == null || e.txQueue() == 0;
    }

    @Override
    public boolean retired() {
        return entry.retired();
    }

    // ---- the end of a probe, which borrowers wait for (ProbeTarget's) --------------------------------------------

    /** A borrower waits for the probe to end, or until {@code untilNanos}; {@code resume} runs once, either way. */
    void awaitEnd(long untilNanos, Runnable resume) {
        boolean[] done = new boolean[1];
        Runnable once = () -> {
            if (!done[0]) {
                done[0] = true;
                resume.run();
            }
        };
        probeEndWaiters.add(once);
        sim.loop.at(untilNanos, Side.CLIENT, "borrower-wait-ends c" + id, once);
    }

    /** {@code ProbeTarget.ended}: wakes the borrowers waiting for this connection's probe. */
    void ended() {
        if (probeEndWaiters.isEmpty()) {
            return;
        }
        List<Runnable> woken = List.copyOf(probeEndWaiters);
        probeEndWaiters.clear();
        for (Runnable r : woken) {
            sim.loop.after(0, Side.CLIENT, "borrower-woken c" + id, r);
        }
    }

    // ---- SimEngine.Connection (TrackedConnection's, as the engine's parts ask it) -----------------------------------

    @Override
    public SimLease lease() {
        return lease;
    }

    @Override
    public ConnectionRef ref() {
        return ref;
    }

    @Override
    public Probeable probeable() {
        return this;
    }

    /** {@code PhysicalClose.abort}: the socket is closed. */
    @Override
    public void abortPhysical() {
        sim.network.close(socket);
    }

    /** {@code ProbeTarget.closedByServer}: a peek sees a FIN, a reset or a termination message waiting. */
    @Override
    public String closedByServer() {
        if (!socket.closedByServer || sim.broken == Sim.Break.BORROW_GUARD_SKIPS_SOCKET_LOOK) {
            return null;
        }
        return "the server had closed the connection (simulated)";
    }

    @Override
    public void probeEnded() {
        ended();
    }

    /** {@code TrackedConnection.close} (and {@code abort}): HikariCP ends the connection. */
    void close() {
        String was = lease.close();
        if (was == null) {
            return;
        }
        closed = true;
        sim.pool.closed(this, was);
        if (!"DEAD".equals(was)) {
            sim.network.close(socket); // a DEAD one was aborted when it was found dead
        }
    }

    // ---- WatchedLease (WatchdogView's) ----------------------------------------------------------------------------

    @Override
    public long leaseEpoch() {
        return lease.leaseEpoch();
    }

    @Override
    public ProcNetTcp.Flow flow() {
        return socket.flow;
    }

    @Override
    public long bytesWritten() {
        return socket.bytesWritten;
    }

    @Override
    public LeaseWatch watch() {
        return watch;
    }

    @Override
    public void abortIfStillLeased(long epoch, String why, long nowNanos) {
        sim.engine.abortInFlight(entry, epoch, why, nowNanos);
    }

    @Override
    public long waitingOnPeerSinceNanos() {
        return socket.waitingOnPeerSinceNanos();
    }

    @Override
    public void waitingForAnswer(long epoch, long sinceNanos, long nowNanos) {
        sim.host.requestWaiting(this, epoch, sinceNanos, nowNanos);
    }

    // ---- ground truth ---------------------------------------------------------------------------------------------

    void impaired(long nowNanos, boolean forGood) {
        if (!impaired) {
            impaired = true;
            impairedSinceNanos = nowNanos;
        }
        impairedForGood |= forGood;
        everImpaired = true;
    }

    void healed() {
        if (!impairedForGood) {
            impaired = false;
        }
    }

    void backInPool(long nowNanos) {
        idleSinceNanos = nowNanos;
    }

    /** Stable across runs: the heartbeat keeps connections in hash sets, and their order must not vary. */
    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public String toString() {
        return "c" + id;
    }
}
