package io.github.jdbcliveness.pool;

import java.util.concurrent.TimeUnit;

/**
 * {@code maxLifetime} and {@code keepaliveTime} as HikariCP will use them, not as configured: when its pool starts,
 * HikariCP (5.0 to 7.1, {@code HikariConfig.validateNumerics}) puts a {@code maxLifetime} under 30 s back to 30 min
 * and disables a {@code keepaliveTime} under 30 s, or not below {@code maxLifetime}, each with a warning. jdbc-liveness
 * evicts through the per-connection task HikariCP schedules for one of the two, so it must decide on these values:
 * deciding on the configured ones once left a pool with no task, and dead connections that were never evicted.
 *
 * @param maxLifetimeMs what HikariCP will use; 0 for none
 * @param keepaliveMs   what HikariCP will use; 0 for none
 */
record HikariTimers(long maxLifetimeMs, long keepaliveMs) {

    /** HikariCP's floor for both settings. */
    static final long FLOOR_MS = TimeUnit.SECONDS.toMillis(30);
    /** HikariCP's default {@code maxLifetime}, which it falls back to below the floor. */
    static final long DEFAULT_MAX_LIFETIME_MS = TimeUnit.MINUTES.toMillis(30);

    /** The values HikariCP will use for these configured ones. */
    static HikariTimers effective(long maxLifetimeMs, long keepaliveMs) {
        long max = maxLifetimeMs != 0 && maxLifetimeMs < FLOOR_MS ? DEFAULT_MAX_LIFETIME_MS : maxLifetimeMs;
        long keep = keepaliveMs != 0 && keepaliveMs < FLOOR_MS ? 0 : keepaliveMs;
        if (keep != 0 && max != 0 && keep >= max) {
            keep = 0;
        }
        return new HikariTimers(max, keep);
    }

    /** Whether HikariCP schedules a task per connection, which jdbc-liveness needs to evict through. */
    boolean schedulesTaskPerConnection() {
        return maxLifetimeMs != 0 || keepaliveMs != 0;
    }

    /** Whether HikariCP schedules its keepalive task per connection (after its end-of-life task, if any). */
    boolean keepaliveScheduled() {
        return keepaliveMs != 0;
    }
}
