package io.github.jdbcliveness;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-socket TCP keepalive: after {@link #idle()} without traffic the kernel sends a probe, then one every
 * {@link #interval()}; after {@link #count()} unanswered probes it drops the connection ({@code ETIMEDOUT}),
 * so a dead path is noticed within {@code idle + count × interval} ({@link #detectionTime()}).
 *
 * <p>The kernel counts these in whole seconds ({@code TCP_KEEPIDLE}, {@code TCP_KEEPINTVL} ≤ 32767 s,
 * {@code TCP_KEEPCNT} ≤ 127). Linux sends keepalive probes only while nothing is unacknowledged: an idle
 * connection, or a query that was sent, acknowledged and now waits for its answer.
 */
public final class KeepaliveSettings {

    /** The kernel's upper bound for {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL}, in seconds. */
    public static final int MAX_SECONDS = 32767;
    /** The kernel's upper bound for {@code TCP_KEEPCNT}. */
    public static final int MAX_COUNT = 127;
    /** Probes sent before the connection is declared dead when the settings are derived from a budget. */
    public static final int DERIVED_COUNT = 3;
    /** The smallest budget keepalive can honour: idle 1 s + 3 probes 1 s apart. */
    public static final Duration MIN_BUDGET = Duration.ofSeconds(1 + DERIVED_COUNT);

    private final Duration idle;
    private final Duration interval;
    private final int count;

    private KeepaliveSettings(Duration idle, Duration interval, int count) {
        this.idle = idle;
        this.interval = interval;
        this.count = count;
    }

    /**
     * Explicit settings.
     *
     * @throws IllegalArgumentException naming the setting and the value, when a value is outside the kernel's
     *                                  bounds or not a whole number of seconds
     */
    public static KeepaliveSettings of(Duration idle, Duration interval, int count) {
        requireWholeSeconds("keepaliveIdle", idle, "TCP_KEEPIDLE");
        requireWholeSeconds("keepaliveInterval", interval, "TCP_KEEPINTVL");
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("keepaliveCount (" + count + ") must be between 1 and " + MAX_COUNT
                    + " (the kernel's bounds for TCP_KEEPCNT)");
        }
        return new KeepaliveSettings(idle, interval, count);
    }

    /**
     * Derives keepalive from a detection budget B: idle = B / 3, interval = max(1 s, B / 9), count = 3, each
     * rounded down to whole seconds, so that {@code idle + count × interval ≤ B} and a dead path is noticed
     * with a third of the budget to spare.
     *
     * @throws IllegalArgumentException when B is below {@link #MIN_BUDGET} or so large that idle exceeds the
     *                                  kernel's bound
     */
    public static KeepaliveSettings forBudget(Duration budget) {
        Objects.requireNonNull(budget, "detectionBudget");
        if (budget.compareTo(MIN_BUDGET) < 0) {
            throw new IllegalArgumentException("detectionBudget (" + Durations.format(budget) + ") must be at least "
                    + Durations.format(MIN_BUDGET) + ": TCP keepalive needs idle 1s + " + DERIVED_COUNT
                    + " probes 1s apart");
        }
        long seconds = budget.getSeconds();
        long idle = Math.max(1, seconds / 3);
        long interval = Math.max(1, seconds / 9);
        if (idle > MAX_SECONDS) {
            throw new IllegalArgumentException("detectionBudget (" + Durations.format(budget)
                    + ") derives keepaliveIdle " + idle + "s, above the kernel's bound of " + MAX_SECONDS
                    + "s; set keepalive explicitly");
        }
        return new KeepaliveSettings(Duration.ofSeconds(idle), Duration.ofSeconds(interval), DERIVED_COUNT);
    }

    private static void requireWholeSeconds(String name, Duration value, String option) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(name + " (" + Durations.format(value) + ") must be at least 1s");
        }
        if (value.getNano() != 0) {
            throw new IllegalArgumentException(name + " (" + Durations.format(value)
                    + ") must be a whole number of seconds: the kernel counts " + option + " in seconds");
        }
        if (value.getSeconds() > MAX_SECONDS) {
            throw new IllegalArgumentException(name + " (" + Durations.format(value) + ") must be at most "
                    + MAX_SECONDS + "s (the kernel's bound for " + option + ")");
        }
    }

    public Duration idle() {
        return idle;
    }

    public Duration interval() {
        return interval;
    }

    public int count() {
        return count;
    }

    public int idleSeconds() {
        return (int) idle.getSeconds();
    }

    public int intervalSeconds() {
        return (int) interval.getSeconds();
    }

    /** {@code idle + count × interval}: how long a dead path may go unnoticed while nothing is unacknowledged. */
    public Duration detectionTime() {
        return idle.plus(interval.multipliedBy(count));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeepaliveSettings other && idle.equals(other.idle) && interval.equals(other.interval)
                && count == other.count;
    }

    @Override
    public int hashCode() {
        return Objects.hash(idle, interval, count);
    }

    @Override
    public String toString() {
        return "idle " + Durations.format(idle) + ", interval " + Durations.format(interval) + ", count " + count
                + " (dead after " + Durations.format(detectionTime()) + ")";
    }
}
