package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.pool.SimHost;
import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.List;

/**
 * The host verdict: the engine's real {@code HostWatch} (through {@link SimHost}), around the real {@code HostHealth},
 * on simulated time. What surrounds it is simulated here: its check (a new connection and a round trip on the
 * simulated network, bounded by {@code connectTimeout}), the grace's timer on a maintenance thread, the recheck on
 * the heartbeat, and the pool's part once a verdict takes effect ({@code HostWatches.wentDown}: each request waiting
 * on the host is weighed again, and the host swept). Not simulated: borrowers failing fast while the host is down,
 * the half-open trial, and the abort of HikariCP's stalled handshakes after a path heals.
 */
final class SimHostWatch implements SimHost.Pool, SimHost.Check {

    private final Sim sim;
    private SimHost watch;
    private boolean checkRunning;

    SimHostWatch(Sim sim) {
        this.sim = sim;
    }

    /** The watch starts with the heartbeat: its recheck is one of the heartbeat's periodic tasks. */
    void start() {
        watch = new SimHost(SimConnection.HOST, sim.events, sim.settings.config(), this, this);
    }

    SimHost watch() {
        return watch;
    }

    void answered(long nowNanos) {
        watch.answered(nowNanos);
    }

    void connectFailed(long startNanos, String why, boolean tcpSilent) {
        watch.connectFailed(startNanos, sim.loop.now(), why, tcpSilent);
    }

    /**
     * {@code WatchdogView.waitingForAnswer}: the verdict weighs a request waiting on the host, and aborts it if the
     * host is judged down and the kernel cannot watch it. Every simulated connection carries the requested keepalive
     * and the watchdog sees it, so only a blocked write keeps the kernel from watching. (The real socket marks a write
     * blocked whenever its send buffer is full, a healthy upload's too; the simulated one only on a shut window or a
     * dead path. {@code HostHealth.waitsOnDownHost} keeps the difference from mattering: a request counts only if it
     * waited since before the verdict's silent check.)
     */
    void requestWaiting(SimConnection c, long epoch, long sinceNanos, long nowNanos) {
        String abort = watch.requestWaiting(sinceNanos, nowNanos, c.socket.writingBlockedSinceNanos == 0);
        if (abort != null) {
            sim.engine.abortOnDownHost(c.entry, epoch, abort, nowNanos);
        }
    }

    void close() {
        watch.close();
    }

    // ---- SimHost.Pool ---------------------------------------------------------------------------------------------

    /** {@code HostWatches.wentDown}: the requests waiting on the host are weighed again, and the host swept. */
    @Override
    public void wentDown(long nowNanos) {
        sim.trace.note(nowNanos, "host judged down");
        for (SimConnection c : List.copyOf(sim.pool.all)) {
            long epoch = c.leaseEpoch();
            long waiting = c.socket.waitingOnPeerSinceNanos();
            if (epoch >= 0 && waiting != 0) {
                requestWaiting(c, epoch, waiting, nowNanos);
            }
        }
        sim.engine.sweepHost(SimConnection.HOST);
    }

    /** {@code PoolBinding.lastReceivedNanos}. */
    @Override
    public long lastReceivedNanos() {
        long heard = 0;
        for (SimConnection c : sim.pool.all) {
            long at = c.socket.receivedAtNanos;
            if (at != 0 && (heard == 0 || at - heard > 0)) {
                heard = at;
            }
        }
        return heard;
    }

    @Override
    public long nanoTime() {
        return sim.loop.now();
    }

    /** {@code CompletableFuture.delayedExecutor} on the maintenance threads: the grace before a verdict's effect. */
    @Override
    public void after(long delayNanos, Runnable task) {
        sim.probeThreads.maintenance.execute(() -> sim.loop.after(delayNanos, Side.CLIENT, "verdict-grace-ends", task));
    }

    /** {@code HeartbeatScheduler.every}. */
    @Override
    public HeartbeatCore.Periodic every(long periodNanos, Runnable task) {
        HeartbeatCore.Periodic p = sim.core.every(periodNanos, task, sim.loop.now());
        sim.ticker.commandQueued(true);
        return p;
    }

    // ---- SimHost.Check: HostCheckThread on the simulated network -------------------------------------------------

    /**
     * {@code HostCheckThread}: a new connection (the TCP handshake and the server's answer to the login) and one round
     * trip. The check ends at the round trip's end, or when its connect fails (refused, or timed out), or at
     * {@code connectTimeout} after its start (its sockets closed then). A check whose login was answered reports the
     * host answered when its round trip ends, whatever the round trip's outcome, also after the deadline.
     */
    @Override
    public boolean start(long startNanos, SimHost.Result result) {
        if (sim.pool.closed || checkRunning) {
            return false;
        }
        checkRunning = true;
        boolean[] state = new boolean[1]; // over
        long[] handshakeAt = new long[1]; // when the TCP handshake completed, or 0
        SimSocket[] logged = new SimSocket[1]; // the check's connection, once the server answered its login
        sim.network.connect(sim.settings.connectTimeoutNanos(), socket -> {
            if (state[0]) {
                sim.network.close(socket);
                return;
            }
            logged[0] = socket;
            // HostCheckThread.openAndAsk: isValid, and the server spoke at the login whatever its outcome.
            sim.network.send(socket, Request.probe((answered, failure) -> {
                sim.network.close(socket);
                long now = sim.loop.now();
                result.answered(now, answered);
                if (!state[0]) {
                    state[0] = true;
                    checkRunning = false;
                    result.endedAnswered(now);
                }
            }));
        }, (why, handshakeCompletedAt) -> {
            if (!state[0]) { // HostCheckThread reports a failed connect (refused, timed out) at once
                state[0] = true;
                checkRunning = false;
                result.endedSilent(sim.loop.now(), "a new connection failed: " + why, seenAt(handshakeCompletedAt));
            }
        }, handshakeAt);
        sim.loop.at(startNanos + sim.settings.connectTimeoutNanos(), Side.CLIENT, "host-check-deadline", () -> {
            if (state[0]) {
                return;
            }
            state[0] = true;
            checkRunning = false;
            result.endedSilent(sim.loop.now(), "a new connection got no answer within "
                    + sim.settings.connectTimeoutNanos() / 1_000_000 + " ms (connectTimeout)", seenAt(handshakeAt[0]));
            if (logged[0] != null) {
                sim.network.close(logged[0]); // closeSockets: the check's isValid ends, and reports the login's answer
            }
        });
        return true;
    }

    /**
     * When the check's thread saw its TCP handshake complete ({@code KeepaliveSocket}'s connect returning), or 0: a
     * handshake the kernel completed while the client stood still is seen when the stall ends.
     */
    private long seenAt(long handshakeAtNanos) {
        return handshakeAtNanos == 0 ? 0 : handshakeAtNanos + sim.loop.stalledBetween(handshakeAtNanos, sim.loop.now());
    }

    /** Nothing to end: a check's socket closes at its end or at its deadline, within {@code connectTimeout}. */
    @Override
    public void endNow() {
    }
}
