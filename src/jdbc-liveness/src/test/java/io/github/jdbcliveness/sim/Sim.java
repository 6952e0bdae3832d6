package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.heartbeat.HeartbeatEvents;
import io.github.jdbcliveness.heartbeat.Probeable;
import io.github.jdbcliveness.heartbeat.SimHeartbeatAccess;
import io.github.jdbcliveness.inflight.InflightWatchdog;
import io.github.jdbcliveness.inflight.ProcNetTcp;
import io.github.jdbcliveness.pool.SimEngine;
import io.github.jdbcliveness.pool.SimPoolEvents;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One seed's run: the real engine parts (the heartbeat's {@link HeartbeatCore} with its timer wheels, the lease word,
 * {@code HostHealth}, the {@link InflightWatchdog} and its {@code LeaseWatch}es, {@code PoolEvents}) wired to a
 * simulated HikariCP, network and server on simulated time, with the seed's faults; the invariants are checked after
 * every step. Single-threaded: the same seed gives the same schedule, step for step.
 */
final class Sim {

    /** What one seed's run found. */
    record Outcome(long seed, String settings, List<Violation> violations, long steps, long traceHash,
            List<String> trace) {

        /** No violation but those of open findings. */
        boolean passed() {
            return violations.stream().allMatch(v -> v.finding() != null);
        }

        boolean clean() {
            return violations.isEmpty();
        }
    }

    /** A test-only break, to show that the simulator finds what it is meant to find. */
    enum Break {
        NONE,
        /** The borrow guard's look at the socket sees nothing: a connection the server closed is handed out. */
        BORROW_GUARD_SKIPS_SOCKET_LOOK
    }

    final long seed;
    final long startNanos;
    final SplittableRandom rng;
    final SimSettings settings;
    final Trace trace;
    final EventLoop loop;
    final Network network;
    final ProbeThreads probeThreads;
    final HeartbeatCore core;
    final Ticker ticker;
    final SimPoolEvents events = new SimPoolEvents("sim");
    final SimEngine engine;
    final SimPool pool;
    final SimHostWatch host;
    final InflightWatchdog watchdog;
    final HeartbeatCore.Periodic watchdogTask;
    final Faults faults;
    final Invariants invariants;
    final Break broken;

    Sim(long seed, boolean keepTrace, Break broken) {
        this.seed = seed;
        this.broken = broken;
        this.rng = new SplittableRandom(seed);
        this.settings = SimSettings.draw(rng);
        // Far from 0, and a different start per seed: the engine compares times by difference only.
        this.startNanos = rng.nextLong(Long.MAX_VALUE / 2) - Long.MAX_VALUE / 4;
        this.trace = new Trace(keepTrace, startNanos);
        this.loop = new EventLoop(startNanos, trace);
        this.network = new Network(loop, settings.rttNanos(), settings.config().keepalive());
        this.probeThreads = new ProbeThreads(loop, rng.split());
        this.faults = new Faults(this, rng.split());
        SplittableRandom jitter = rng.split();
        this.core = new HeartbeatCore(SimHeartbeatAccess.TICK_NANOS, SimHeartbeatAccess.STALL_NANOS,
                SimHeartbeatAccess.MAX_LEAD_NANOS, startNanos, probeThreads.probes, probeThreads.maintenance,
                loop::now, bound -> bound <= 0 ? 0 : jitter.nextLong(bound), heartbeatEvents());
        this.ticker = new Ticker(loop, core, rng.split());
        this.pool = new SimPool(this);
        this.engine = new SimEngine(events, pool, (hostKey, except) -> {
            core.sweepNow(hostKey, except); // HeartbeatScheduler.sweep
            ticker.commandQueued(true);
        }, settings.probeTimeoutNanos(), loop::now);
        this.invariants = new Invariants(this);
        events.addListener(invariants.evictions());
        this.host = new SimHostWatch(this);
        this.watchdog = new InflightWatchdog(() -> pool.all, settings.config().unacknowledgedTimeout().toNanos(),
                loop::now, this::kernelTable, true);
        this.watchdogTask = core.every(settings.config().watchdogInterval().toNanos(), watchdog, startNanos);
        events.addListener(throwingListener());
    }

    static Outcome run(long seed, boolean keepTrace) {
        return run(seed, keepTrace, Break.NONE);
    }

    static Outcome run(long seed, boolean keepTrace, Break broken) {
        return new Sim(seed, keepTrace, broken).run();
    }

    private Outcome run() {
        ticker.start();
        host.start();
        pool.start();
        for (int i = 0; i < settings.borrowers(); i++) {
            new Borrower(this, i + 1).start();
        }
        faults.schedule();
        long end = startNanos + settings.durationNanos();
        while (loop.step(end)) {
            invariants.check();
            if (invariants.found.size() > 20) {
                break;
            }
        }
        invariants.statsAgree();
        return new Outcome(seed, settings.toString(), List.copyOf(invariants.found), loop.steps(), trace.hash(),
                trace.lines());
    }

    /** The kernel's socket table, as the watchdog reads it: one line per open socket asked about. */
    private Map<ProcNetTcp.Flow, ProcNetTcp.Entry> kernelTable(java.util.Collection<ProcNetTcp.Flow> flows) {
        Map<ProcNetTcp.Flow, ProcNetTcp.Entry> table = new HashMap<>();
        for (SimSocket s : network.open()) {
            if (flows.contains(s.flow)) {
                ProcNetTcp.Entry e = s.kernelEntry(loop.now(), network.pathAlive(s), network.rtoNanos());
                if (e != null) {
                    table.put(s.flow, e);
                }
            }
        }
        return table;
    }

    private HeartbeatEvents heartbeatEvents() {
        return new HeartbeatEvents() {
            @Override
            public void stalled(long lagNanos) {
                trace.note(loop.now(), "the heartbeat saw a stall of " + lagNanos / 1_000_000 + " ms");
                if (faults.listenersThrow()) {
                    throw new IllegalStateException("a heartbeat listener that throws (simulated)");
                }
            }

            @Override
            public void reprobedAfterStall(Probeable p) {
                if (faults.listenersThrow()) {
                    throw new AssertionError("a heartbeat listener that throws an Error (simulated)");
                }
            }
        };
    }

    private LivenessListener throwingListener() {
        return new LivenessListener() {
            @Override
            public void onProbePassed(ConnectionRef ref, Duration took) {
                maybeThrow();
            }

            @Override
            public void onEvicted(ConnectionRef ref, EvictionReason reason, Duration latency, long atNanos) {
                maybeThrow();
            }

            @Override
            public void onBorrowSkippedDead(ConnectionRef ref) {
                maybeThrow();
            }

            private void maybeThrow() {
                if (faults.listenersThrow()) {
                    throw new AssertionError("a LivenessListener that throws (simulated)");
                }
            }
        };
    }
}
