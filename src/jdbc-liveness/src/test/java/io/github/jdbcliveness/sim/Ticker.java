package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.heartbeat.SimHeartbeatAccess;
import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.SplittableRandom;

/**
 * The ticker thread of {@code HeartbeatScheduler}, on simulated time: it drives the real {@link HeartbeatCore}, sleeps
 * until the core's plan, and wakes sooner for commands other threads queued (within a tick for an urgent one, a sweep;
 * within a lead for a probe's result or a registration), as {@code HeartbeatScheduler.run} does. A wakeup comes up to
 * a millisecond late (the OS's scheduling); a client stall holds it, which the core must tell from dead peers.
 */
final class Ticker {

    static final long OVERSLEEP_NANOS = 1_000_000L;

    private final EventLoop loop;
    private final HeartbeatCore core;
    private final SplittableRandom rng;
    private EventLoop.Event next;
    private long nextAt = Long.MAX_VALUE;
    private long plan = Long.MAX_VALUE;
    private long lastTickNanos;
    private boolean urgent;

    Ticker(EventLoop loop, HeartbeatCore core, SplittableRandom rng) {
        this.loop = loop;
        this.core = core;
        this.rng = rng;
    }

    void start() {
        wakeAt(loop.now());
    }

    /** Another thread queued a command in the core. */
    void commandQueued(boolean urgentCommand) {
        urgent |= urgentCommand;
        replan();
    }

    /** Whether the ticker has nothing left to do: no plan, no command. */
    boolean asleepForGood() {
        return next == null && !core.hasCommands() && core.scheduled() == 0;
    }

    private void tick() {
        next = null;
        nextAt = Long.MAX_VALUE;
        long now = loop.now();
        if (core.hasCommands()) {
            core.wokenByCommand(now); // woken ahead of the plan: no lag to measure against it
        }
        lastTickNanos = now;
        urgent = false;
        plan = core.tick(now);
        replan();
    }

    private void replan() {
        long until = plan;
        if (core.hasCommands()) {
            long lazy = Math.max(SimHeartbeatAccess.TICK_NANOS, core.leadNanos());
            long by = lastTickNanos + (urgent ? SimHeartbeatAccess.TICK_NANOS : lazy);
            if (until == Long.MAX_VALUE || until - by > 0) {
                until = by;
            }
        }
        if (until == Long.MAX_VALUE) {
            return; // sleeps until a command wakes it
        }
        if (next != null && nextAt <= until) {
            return;
        }
        wakeAt(until);
    }

    private void wakeAt(long at) {
        if (next != null) {
            next.cancel();
        }
        nextAt = at;
        next = loop.at(at + rng.nextLong(OVERSLEEP_NANOS), Side.CLIENT, "tick", this::tick);
    }
}
