package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.pool.SimLease;

/**
 * What the pool does once a connection is found dead: {@code Verdicts.dead} and {@code abortInFlight}, copied in their
 * order (count and tell through the real {@code PoolEvents}, abort, evict through HikariCP, sweep the host when the
 * real {@code Verdicts.sweepsHost} says so).
 */
final class SimVerdicts {

    private final Sim sim;

    SimVerdicts(Sim sim) {
        this.sim = sim;
    }

    void dead(SimConnection c, EvictionReason reason, Throwable cause, long tookNanos, long nowNanos) {
        sim.invariants.evicted(c, reason);
        sim.events.dead(c.ref, reason, cause, tookNanos, nowNanos - c.lastAliveNanos(), nowNanos,
                sim.settings.probeTimeoutNanos());
        sim.network.close(c.socket);
        sim.pool.evict(c);
        if (SimLease.sweepsHost(reason, cause)) {
            sweep(c);
        }
    }

    void sweep(SimConnection c) {
        sim.core.sweepNow(c.hostKey(), c);
        sim.ticker.commandQueued(true);
    }

    void abortInFlight(SimConnection c, long leaseEpoch, String detail, long nowNanos) {
        abortLease(c, leaseEpoch, EvictionReason.UNACKNOWLEDGED_DATA, nowNanos);
    }

    void abortOnDownHost(SimConnection c, long leaseEpoch, long nowNanos) {
        abortLease(c, leaseEpoch, EvictionReason.HOST_DOWN, nowNanos);
    }

    private void abortLease(SimConnection c, long leaseEpoch, EvictionReason reason, long nowNanos) {
        if (c.lease.markDeadIfLease(leaseEpoch)) {
            dead(c, reason, null, 0, nowNanos);
        }
    }
}
