package io.github.jdbcliveness.soak;

import java.util.List;

/**
 * One pool's soak, counted.
 *
 * @param fastFailed       failures refused at once (within 0.5 s) because the host was judged down: never sent, no
 *                         wait; counted in {@code failed} too
 * @param failedUnderFault failures while a fault that permits them was in force or settling
 * @param healthyFailed    failures of requests no fault touched, or only one that permits none (a slow link, a stall)
 * @param interrupted      requests another thread interrupted (failed or not: the application's doing)
 * @param overB            requests that waited past B on a dead path or a hung server
 * @param maxWaitNanos     the longest any request waited because of a dead path or a hung server it met: until it
 *                         failed, or what it took beyond its own length ({@link SoakChecker#waitOnDeadOrHung})
 * @param recoveries       per fault, in the schedule's order
 * @param violations       the invariants broken (counted for jdbc-liveness; for plain HikariCP they show what it
 *                         does, not a defect of ours)
 */
public record LaneTally(String label, long requests, long failed, long fastFailed, long failedUnderFault, long healthyFailed,
        long interrupted, long overB, long maxWaitNanos, List<Recovery> recoveries, List<Violation> violations) {

    public long deadLeft() {
        return recoveries.stream().mapToLong(Recovery::deadLeft).sum();
    }

    /** Refill times in nanoseconds, of the faults after which the pool refilled before the next one. */
    public long[] refills() {
        return recoveries.stream().mapToLong(Recovery::refillNanos).filter(n -> n >= 0).sorted().toArray();
    }

    public long notRefilled() {
        return recoveries.stream().filter(r -> r.refillNanos() < 0).count();
    }
}
