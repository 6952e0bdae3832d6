package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fault vocabulary, drawn from the seed: when each fault comes, what it hits and when it heals. Each fault also
 * tells the ground truth which connections it impairs (the invariants judge the engine by it) and when the world last
 * changed (the pool must be full again within B of the last heal).
 */
final class Faults {

    enum Kind {
        /** A middlebox forgets one connection's flow (NAT or load-balancer eviction): that connection is dead. */
        ONE_FLOW_DROPPED,
        /** Every packet to and from the server is dropped (a blackhole, the host unreachable), until it heals. */
        ALL_FLOWS_DROPPED,
        /** The server process hangs (SIGSTOP, a wedged server): its kernel still acknowledges, nothing answers. */
        SERVER_HUNG,
        /** Every open connection gets a reset. */
        RESET,
        /** The server ends one session (pg_terminate_backend, idle_session_timeout). */
        SESSION_ENDED,
        /** Round trips take up to a quarter of the probe timeout (a congested link). */
        SLOW_LINK,
        /** The client's JVM stands still (a GC pause, a VM freeze). */
        CLIENT_STALL,
        /** New connections are refused. */
        CONNECTS_FAIL,
        /** New connections get no answer to their handshake. */
        CONNECTS_HANG,
        /** Every listener throws on every event (a LivenessListener, the heartbeat's own events). */
        LISTENER_THROWS,
        /** The data source is closed. */
        CLOSE
    }

    private static final Kind[] KINDS = Kind.values();

    private final Sim sim;
    private final SplittableRandom rng;
    private int globalImpairments;
    private int active;
    private int throwing;
    /** When a fault last started or healed. */
    long lastChangeNanos;

    Faults(Sim sim, SplittableRandom rng) {
        this.sim = sim;
        this.rng = rng;
        this.lastChangeNanos = sim.startNanos;
    }

    /** Draws this seed's faults and schedules them. */
    void schedule() {
        long budget = sim.settings.budgetNanos();
        long end = sim.settings.durationNanos();
        int n = rng.nextInt(5);
        for (int i = 0; i < n; i++) {
            Kind kind = KINDS[rng.nextInt(KINDS.length)];
            long at = sim.startNanos + budget + rng.nextLong(end - 5 * budget);
            long lasts = budget / 10 + rng.nextLong(2 * budget);
            sim.loop.at(at, Side.WORLD, "fault " + kind, () -> start(kind, lasts));
        }
    }

    boolean listenersThrow() {
        return throwing > 0;
    }

    /** Whether a fault that heals is under way (the pool need not be full then). */
    boolean active() {
        return active > 0;
    }

    private void start(Kind kind, long lastsNanos) {
        long now = sim.loop.now();
        changed(now);
        switch (kind) {
            case ONE_FLOW_DROPPED -> {
                SimConnection c = any();
                if (c != null) {
                    sim.trace.note(now, "flow of " + c + " dropped for good");
                    sim.network.dropFlow(c.socket);
                    c.impaired(now, true);
                }
            }
            case ALL_FLOWS_DROPPED -> global(lastsNanos, kind, b -> sim.network.dropAllFlows(b));
            case SERVER_HUNG -> global(lastsNanos, kind, b -> sim.network.hangServer(b));
            case RESET -> {
                for (SimConnection c : List.copyOf(sim.pool.all)) {
                    c.impaired(now, true);
                }
                sim.network.resetAll();
            }
            case SESSION_ENDED -> {
                SimConnection c = any();
                if (c != null && sim.network.pathAlive(c.socket)) {
                    sim.trace.note(now, "session of " + c + " ended by the server");
                    c.impaired(now, true);
                    sim.network.endSession(c.socket, () -> { });
                }
            }
            case SLOW_LINK -> {
                long max = Math.max(1, sim.settings.probeTimeoutNanos() / 4 / sim.settings.rttNanos());
                sim.network.slowLink(1 + rng.nextLong(max));
                heal(lastsNanos, kind, () -> sim.network.slowLink(1));
            }
            case CLIENT_STALL -> {
                long pause = 50_000_000L + rng.nextLong(Math.min(sim.settings.budgetNanos() / 2, 5_000_000_000L));
                sim.trace.note(now, "client stalls for " + pause / 1_000_000 + " ms");
                sim.loop.stallClient(now + pause);
                sim.loop.at(now + pause, Side.WORLD, "stall-ends", () -> changed(sim.loop.now()));
            }
            case CONNECTS_FAIL -> {
                sim.network.refuseConnects(true);
                heal(lastsNanos, kind, () -> sim.network.refuseConnects(false));
            }
            case CONNECTS_HANG -> {
                sim.network.hangConnects(true);
                heal(lastsNanos, kind, () -> sim.network.hangConnects(false));
            }
            case LISTENER_THROWS -> {
                throwing++;
                heal(lastsNanos, kind, () -> throwing--);
            }
            case CLOSE -> sim.pool.close();
        }
    }

    /** A fault every connection meets, open now or opened while it lasts. */
    private void global(long lastsNanos, Kind kind, java.util.function.Consumer<Boolean> apply) {
        long now = sim.loop.now();
        globalImpairments++;
        for (SimConnection c : sim.pool.all) {
            c.impaired(now, false);
        }
        apply.accept(true);
        heal(lastsNanos, kind, () -> {
            apply.accept(false);
            if (--globalImpairments == 0) {
                for (SimConnection c : sim.pool.all) {
                    c.healed();
                }
            }
        });
    }

    /** Whether a connection opened now is impaired from the start. */
    boolean globallyImpaired() {
        return globalImpairments > 0;
    }

    private void heal(long lastsNanos, Kind kind, Runnable heal) {
        active++;
        sim.loop.after(lastsNanos, Side.WORLD, "heal " + kind, () -> {
            active--;
            heal.run();
            changed(sim.loop.now());
        });
    }

    private void changed(long now) {
        lastChangeNanos = now;
    }

    private SimConnection any() {
        List<SimConnection> all = sim.pool.all;
        return all.isEmpty() ? null : all.get(rng.nextInt(all.size()));
    }
}
