package io.github.jdbcliveness.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The schedule one seed produced: every step's time and what ran. Always folded into a hash (two runs of one seed
 * must give the same hash: the replay is exact); kept as text only when asked, for printing a failing seed.
 */
final class Trace {

    private final boolean keep;
    private final List<String> lines = new ArrayList<>();
    private long hash = 0xcbf29ce484222325L;
    private final long start;

    /** @param startNanos the simulated clock's start: the trace shows times from there */
    Trace(boolean keep, long startNanos) {
        this.keep = keep;
        this.start = startNanos;
    }

    void step(long nowNanos, String what) {
        mix(nowNanos - start);
        for (int i = 0; i < what.length(); i++) {
            mix(what.charAt(i));
        }
        if (keep) {
            lines.add(String.format("%12.6f s  %s", (nowNanos - start) / 1e9, what));
        }
    }

    /** Something noted in the schedule that is not a step (a fault, a violation). */
    void note(long nowNanos, String what) {
        if (keep) {
            lines.add(String.format("%12.6f s  ** %s", (nowNanos - start) / 1e9, what));
        }
    }

    private void mix(long v) {
        hash ^= v;
        hash *= 0x100000001b3L;
    }

    long hash() {
        return hash;
    }

    List<String> lines() {
        return lines;
    }
}
