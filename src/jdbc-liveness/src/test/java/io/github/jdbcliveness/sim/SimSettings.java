package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.LivenessConfig;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * One seed's world: the detection budget (and the real {@link LivenessConfig} it derives), the pool's size, the
 * borrowers, the round-trip time and how long the run lasts.
 */
record SimSettings(LivenessConfig config, int poolSize, int borrowers, long rttNanos, long connectionTimeoutNanos,
        long durationNanos) {

    private static final long[] BUDGETS_MS = {4_000, 6_000, 10_000, 30_000};

    static SimSettings draw(SplittableRandom rng) {
        long budgetMs = BUDGETS_MS[rng.nextInt(BUDGETS_MS.length)];
        LivenessConfig config = LivenessConfig.builder().detectionBudget(Duration.ofMillis(budgetMs)).build();
        long budget = config.detectionBudget().toNanos();
        int poolSize = 1 + rng.nextInt(6);
        int borrowers = rng.nextInt(poolSize + 3);
        long rtt = 100_000L + rng.nextLong(5_000_000L);
        return new SimSettings(config, poolSize, borrowers, rtt, 30_000_000_000L, 14 * budget);
    }

    long budgetNanos() {
        return config.detectionBudget().toNanos();
    }

    long intervalNanos() {
        return config.heartbeatInterval().toNanos();
    }

    long probeTimeoutNanos() {
        return config.probeTimeout().toNanos();
    }

    long connectTimeoutNanos() {
        return config.connectTimeout().toNanos();
    }

    @Override
    public String toString() {
        return "B=" + config.detectionBudget().toMillis() + "ms interval=" + config.heartbeatInterval().toMillis()
                + "ms probeTimeout=" + config.probeTimeout().toMillis() + "ms watchdog="
                + config.watchdogInterval().toMillis() + "/" + config.unacknowledgedTimeout().toMillis()
                + "ms pool=" + poolSize + " borrowers=" + borrowers + " rtt=" + rttNanos / 1000 + "us";
    }
}
