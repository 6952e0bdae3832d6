package io.github.jdbcliveness.pool;

import java.util.concurrent.TimeUnit;

/**
 * How many eviction lines a pool writes at WARN: every one of a burst (an outage ends a whole pool's connections at
 * once, and each line names its connection), then one a second, which says how many were held back since the line
 * before. A churn (a failover by DNS while the JVM's cache still names the old primary opens and evicts 25 or more
 * connections a second) then writes a line a second instead of one per connection; the stats and the listeners still
 * see every eviction. A pure function of the times passed in.
 */
final class WarnBudget {

    static final int BURST = 20;
    static final long REFILL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private long tokens = BURST;
    /** When the last token was added (or the bucket was last full). */
    private long refilledAtNanos;
    private boolean started;
    private long heldBack;

    /**
     * An eviction at {@code nowNanos}: whether its line goes out at WARN.
     *
     * @return -1 when it is held back (log it at DEBUG), else how many were held back since the last WARN line
     */
    synchronized long admit(long nowNanos) {
        if (!started) {
            started = true;
            refilledAtNanos = nowNanos;
        }
        long earned = (nowNanos - refilledAtNanos) / REFILL_NANOS;
        if (earned > 0) {
            tokens = Math.min(BURST, tokens + earned);
            refilledAtNanos += earned * REFILL_NANOS;
        }
        if (tokens == BURST) {
            refilledAtNanos = nowNanos; // a full bucket earns nothing while it waits
        }
        if (tokens == 0) {
            heldBack++;
            return -1;
        }
        tokens--;
        long n = heldBack;
        heldBack = 0;
        return n;
    }
}
