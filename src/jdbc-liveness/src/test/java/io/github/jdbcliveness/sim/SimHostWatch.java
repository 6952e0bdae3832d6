package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.host.HostHealth;
import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.List;

/**
 * The host verdict: the real {@link HostHealth} fed as {@code HostWatch} feeds it, with its check on a simulated
 * new connection. The glue copies {@code HostWatch}'s order: a probe timeout or a request waiting past the threshold
 * asks for a check; a check (a new connection and a round trip, bounded by {@code connectTimeout}) or a HikariCP
 * connect that gets no answer is silence; the verdict takes effect after its grace if it still stands, aborts the
 * requests waiting on the host and sweeps it; any answer re-admits it; a host that is down is checked again every
 * recheck period. Not simulated: borrowers failing fast while the host is down, and the half-open trial.
 */
final class SimHostWatch {

    private final Sim sim;
    private final HostHealth health;
    private final long graceNanos;
    private boolean checkRunning;
    private long lastFlowLookNanos;
    /** When the verdict in effect was reached, or 0 while none is. */
    private long downSince;
    private HeartbeatCore.Periodic recheck;

    SimHostWatch(Sim sim) {
        this.sim = sim;
        long interval = sim.settings.intervalNanos();
        long recheckNanos = Math.max(interval, sim.settings.connectTimeoutNanos());
        this.health = new HostHealth(SimConnection.HOST, interval, recheckNanos, sim.loop.now());
        this.graceNanos = sim.settings.config().worstCases().verdictGrace().toNanos();
    }

    void start(HeartbeatCore core) {
        long recheckNanos = Math.max(sim.settings.intervalNanos(), sim.settings.connectTimeoutNanos());
        recheck = core.every(recheckNanos, () -> {
            long now = sim.loop.now();
            if (!sim.pool.closed && health.recheckDue(now)) {
                check(now);
            }
        }, sim.loop.now());
        sim.ticker.commandQueued(true);
    }

    boolean down() {
        return downSince != 0;
    }

    void answered(long nowNanos) {
        if (health.answered(nowNanos)) {
            downSince = 0;
        }
    }

    /** As HostWatch.looksAtFlow: one look at the kernel's table per heartbeat interval. */
    boolean looksAtFlow(long nowNanos) {
        if (lastFlowLookNanos != 0 && nowNanos - lastFlowLookNanos < sim.settings.intervalNanos()) {
            return false;
        }
        lastFlowLookNanos = nowNanos;
        return true;
    }

    void probeTimedOut(long startNanos, long nowNanos, boolean serverSilent) {
        if (serverSilent) {
            health.serverSilent(nowNanos);
        }
        if (health.probeUnanswered(startNanos, nowNanos)) {
            check(nowNanos);
        }
    }

    void connectFailed(long startNanos, String why, boolean tcpSilent) {
        silent(startNanos, sim.loop.now(), "a new connection from the pool failed: " + why, false, tcpSilent);
    }

    void requestWaiting(SimConnection c, long epoch, long sinceNanos, long nowNanos) {
        if (health.requestWaiting(sinceNanos, nowNanos)) {
            check(nowNanos);
        }
        // HostWatch.kernelWatches: every simulated connection carries the requested keepalive and the watchdog sees
        // it, so a write not blocked and the real HostHealth decide whether the verdict leaves the request to the
        // kernel. (The real socket marks a write blocked whenever its send buffer is full, a healthy upload's too; the
        // simulated one only on a shut window or a dead path. HostHealth.waitsOnDownHost keeps the difference from
        // mattering: a request counts only if it waited since before the verdict's silent check.)
        boolean kernelWatches = c.socket.writingBlockedSinceNanos == 0
                && health.leavesRequestsToKernel(lastReceivedNanos());
        if (downSince != 0 && health.waitsOnDownHost(sinceNanos, nowNanos, graceNanos) && !kernelWatches) {
            sim.engine.abortOnDownHost(c.entry, epoch, "its request waited on a host judged down", nowNanos);
        }
    }

    private void check(long startNanos) {
        if (sim.pool.closed || checkRunning) {
            health.checkNotStarted();
            return;
        }
        checkRunning = true;
        boolean[] state = new boolean[2]; // over; the handshake completed
        sim.network.connect(sim.settings.connectTimeoutNanos(), socket -> {
            state[1] = true;
            if (state[0]) {
                sim.network.close(socket);
                return;
            }
            sim.network.send(socket, Request.probe((answered, failure) -> {
                sim.network.close(socket);
                long now = sim.loop.now();
                if (answered && !state[0]) {
                    state[0] = true;
                    checkRunning = false;
                    health.checkAnswered(now);
                }
                if (answered) {
                    answered(now); // also after the deadline: a late answer still re-admits the host
                }
            }));
        }, (why, tcpConnected) -> state[1] |= tcpConnected);
        sim.loop.at(startNanos + sim.settings.connectTimeoutNanos(), Side.CLIENT, "host-check-deadline", () -> {
            if (state[0]) {
                return;
            }
            state[0] = true;
            checkRunning = false;
            silent(startNanos, sim.loop.now(), "a new connection got no answer within connectTimeout", true,
                    !state[1]);
        });
    }

    /** PoolBinding.lastReceivedNanos. */
    private long lastReceivedNanos() {
        long heard = 0;
        for (SimConnection c : sim.pool.all) {
            long at = c.socket.receivedAtNanos;
            if (at != 0 && (heard == 0 || at - heard > 0)) {
                heard = at;
            }
        }
        return heard;
    }

    private void silent(long startNanos, long nowNanos, String why, boolean fromCheck, boolean tcpSilent) {
        long heard = lastReceivedNanos();
        if (heard != 0) {
            health.heard(heard);
        }
        if (!health.freshConnectionUnanswered(startNanos, nowNanos, why, fromCheck, tcpSilent) || sim.pool.closed) {
            return;
        }
        long verdict = health.verdict();
        sim.probeThreads.maintenance.execute(() -> sim.loop.after(graceNanos, Side.CLIENT, "verdict-grace-ends",
                () -> takeEffect(verdict)));
    }

    private void takeEffect(long verdict) {
        long now = sim.loop.now();
        if (sim.pool.closed || !health.stands(verdict, now, graceNanos)) {
            return;
        }
        downSince = health.downSinceNanos();
        sim.trace.note(now, "host judged down: " + health.evidence());
        for (SimConnection c : List.copyOf(sim.pool.all)) {
            long epoch = c.leaseEpoch();
            long waiting = c.socket.waitingOnPeerSinceNanos();
            if (epoch >= 0 && waiting != 0) {
                requestWaiting(c, epoch, waiting, now);
            }
        }
        sim.engine.sweepHost(SimConnection.HOST);
    }

    void close() {
        if (recheck != null) {
            recheck.cancel();
        }
    }
}
