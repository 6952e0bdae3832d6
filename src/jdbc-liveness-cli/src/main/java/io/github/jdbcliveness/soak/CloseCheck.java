package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.soak.Violation.Invariant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Invariant 6 from outside: once the jdbc-liveness pool is closed, none of its threads (jdbc-liveness's, HikariCP's
 * for that pool) is left running, and its relay holds no connection of it, within 5 s.
 */
final class CloseCheck {

    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private CloseCheck() {
    }

    static List<Violation> closeAndCheck(Lane lane, long atNanos) {
        lane.close();
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        List<String> threads;
        int open;
        do {
            threads = threadsOf(lane.pool);
            open = lane.relay.connections();
            if (threads.isEmpty() && open == 0) {
                return List.of();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        } while (System.nanoTime() - deadline < 0);
        List<Violation> v = new ArrayList<>();
        if (!threads.isEmpty()) {
            v.add(new Violation(Invariant.LEFT_AFTER_CLOSE, atNanos, "threads still running 5 s after close(): "
                    + threads));
        }
        if (open > 0) {
            v.add(new Violation(Invariant.LEFT_AFTER_CLOSE, atNanos, open + " connection(s) still open 5 s after "
                    + "close()"));
        }
        return v;
    }

    /**
     * jdbc-liveness's threads (not the soak's relays), and the threads named after the pool: HikariCP's
     * ({@code NAME connection adder}), jdbc-liveness's housekeeper ({@code NAME:housekeeper}) and host checks
     * ({@code NAME-host-check HOST}).
     */
    static List<String> threadsOf(String poolName) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && ((n.startsWith("jdbc-liveness-") && !n.startsWith("jdbc-liveness-relay-"))
                    || n.startsWith(poolName + " ") || n.startsWith(poolName + ":")
                    || n.startsWith(poolName + "-"))) {
                names.add(n);
            }
        }
        return names;
    }
}
