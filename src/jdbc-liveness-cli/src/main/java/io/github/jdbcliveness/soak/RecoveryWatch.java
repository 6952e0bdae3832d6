package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches each pool come out of a fault, from outside, until the next one: when it is full again (HikariCP's count
 * of connections, each with a live pair in its relay and a session on the server), how many connections it still
 * holds B after the heal that reach nothing (its relay has no pair for them), and whether jdbc-liveness evicts
 * anything in the quiet spell after that.
 */
final class RecoveryWatch {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final List<Lane> lanes;
    private final ServerView server;
    private final long budgetNanos;
    private final long origin;

    RecoveryWatch(List<Lane> lanes, ServerView server, long budgetNanos, long origin) {
        this.lanes = lanes;
        this.server = server;
        this.budgetNanos = budgetNanos;
        this.origin = origin;
    }

    /** Watches from the heal of {@code f} until {@code untilNanos} ({@link System#nanoTime()}). */
    List<Recovery> after(Injected f, long untilNanos) throws InterruptedException {
        int n = lanes.size();
        long[] refill = new long[n];
        java.util.Arrays.fill(refill, -1);
        int[] deadLeft = new int[n];
        long[] evictionsAtCheck = new long[n];
        long checkAt = origin + f.endNanos() + budgetNanos + SoakChecker.MARGIN_NANOS;
        boolean checked = false;
        Connection admin = null;
        try {
            while (System.nanoTime() - untilNanos < -POLL_NANOS) {
                if (admin == null) {
                    admin = open();
                }
                long now = System.nanoTime();
                boolean check = !checked && now - checkAt >= 0;
                for (int l = 0; l < n; l++) {
                    Lane lane = lanes.get(l);
                    int total = lane.hikari.getHikariPoolMXBean().getTotalConnections();
                    int pairs = lane.relay.connections();
                    if (refill[l] < 0 && total == Lane.POOL && pairs >= Lane.POOL && admin != null) {
                        int sessions = server.sessions(admin, lane.pool);
                        if (sessions < 0) {
                            close(admin); // a broken look-only connection: the next poll opens another
                            admin = null;
                        } else if (sessions >= Lane.POOL) {
                            refill[l] = Math.max(0, now - origin - f.endNanos());
                        }
                    }
                    if (check) {
                        deadLeft[l] = Math.max(0, total - pairs);
                        evictionsAtCheck[l] = evictions(lane);
                    }
                }
                checked |= check;
                LockSupport.parkNanos(POLL_NANOS);
            }
        } finally {
            close(admin);
        }
        List<Recovery> out = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            long quiet = checked ? evictions(lanes.get(l)) - evictionsAtCheck[l] : 0;
            out.add(new Recovery(refill[l], deadLeft[l], quiet));
        }
        return out;
    }

    private static long evictions(Lane lane) {
        LivenessDataSource l = lane.liveness();
        return l == null ? 0 : l.stats().evictionsTotal();
    }

    private Connection open() {
        try {
            return server.connect();
        } catch (SQLException e) {
            return null; // the server is not back yet: the next poll tries again
        }
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // a look-only connection
            }
        }
    }
}
