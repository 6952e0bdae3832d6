package io.github.jdbcliveness.soak;

import io.github.jdbcliveness.soak.FaultKind.Effect;
import io.github.jdbcliveness.soak.Violation.Invariant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Judges one pool's soak from outside: its requests against the faults in force, and how it came out of each. Pure:
 * the same records give the same verdict.
 *
 * <p>A fault's window runs from its start to its heal plus a settling time: B for a dead path, a dropped flow or a
 * hung server or proxy (a connection found dead is evicted within B, so a failure up to then is the fault's), 0.2 s
 * for a reset or ended sessions (the FIN or reset crossing the relay), nothing for faults that permit no failure. A
 * margin of 1 s is allowed on B, as the drills allow it: a probe's own timeout and the relay's hops.
 */
final class SoakChecker {

    static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** A refusal within this is fast-failed, as the traffic drill counts it (at once, or after one half-open trial). */
    static final long FAST_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /**
     * A reset or ended sessions permit the failure of requests under way, and of those that began within this after
     * it (the FIN or reset crossing the relay's two hops); a borrower later than that must get a live connection.
     */
    static final long SESSIONS_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final long budgetNanos;
    private final List<Injected> faults;

    SoakChecker(long budgetNanos, List<Injected> faults) {
        this.budgetNanos = budgetNanos;
        this.faults = faults;
    }

    LaneTally judge(String label, List<RequestRecord> records, List<Recovery> recoveries) {
        List<Violation> violations = new ArrayList<>();
        long failed = 0;
        long fastFailed = 0;
        long underFault = 0;
        long healthy = 0;
        long interrupted = 0;
        long overB = 0;
        long maxWait = 0;
        for (RequestRecord r : records) {
            if (r.interrupted()) {
                interrupted++;
            }
            long waited = waitedPastB(r);
            if (waited > 0) {
                overB++;
                violations.add(new Violation(Invariant.WAITED_PAST_B, r.endNanos(), r.kind() + " request waited "
                        + Seconds.of(waited) + " after it met " + metBy(r) + (r.failed() ? ", then failed: "
                        + r.error() : ", then succeeded")));
            }
            maxWait = Math.max(maxWait, waitOnDeadOrHung(r));
            if (!r.failed()) {
                continue;
            }
            failed++;
            if (r.error().startsWith("HostDownException") && r.endNanos() - r.startNanos() <= FAST_NANOS) {
                fastFailed++;
            }
            if (r.interrupted()) {
                continue;
            }
            if (permitsFailure(r)) {
                underFault++;
                continue;
            }
            healthy++;
            Injected before = lastBefore(r.startNanos());
            boolean afterEnded = before != null && before.kind().effect() == Effect.ENDS_SESSIONS
                    && overlapping(r).isEmpty();
            violations.add(new Violation(afterEnded ? Invariant.HANDED_CLOSED : Invariant.HEALTHY_KILLED,
                    r.endNanos(), r.kind() + " request (" + Seconds.of(r.endNanos() - r.startNanos()) + ")"
                    + (overlapping(r).isEmpty() ? " with no fault in force" : " under " + metBy(r)) + " failed: "
                    + r.error()));
        }
        for (int i = 0; i < recoveries.size() && i < faults.size(); i++) {
            recovery(faults.get(i), recoveries.get(i), violations);
        }
        violations.sort(java.util.Comparator.comparingLong(Violation::atNanos));
        return new LaneTally(label, records.size(), failed, fastFailed, underFault, healthy, interrupted, overB, maxWait,
                List.copyOf(recoveries), violations);
    }

    private void recovery(Injected f, Recovery r, List<Violation> violations) {
        long checkedAt = f.endNanos() + budgetNanos + MARGIN_NANOS;
        if (r.deadLeft() > 0) {
            violations.add(new Violation(Invariant.DEAD_LEFT, checkedAt, r.deadLeft() + " dead connection(s) left "
                    + "after " + f.episode()));
        }
        if (r.refillNanos() < 0 || r.refillNanos() > budgetNanos + MARGIN_NANOS) {
            violations.add(new Violation(Invariant.NOT_REFILLED, checkedAt, "after " + f.episode() + ": "
                    + (r.refillNanos() < 0 ? "not full before the next fault" : "full " + Seconds.of(r.refillNanos())
                    + " after the heal")));
        }
        if (r.quietEvictions() > 0) {
            violations.add(new Violation(Invariant.HEALTHY_EVICTED, checkedAt, r.quietEvictions() + " eviction(s) in "
                    + "the quiet spell after " + f.episode()));
        }
    }

    /**
     * How long past B (plus margin and stalls) a request waited on a dead path or a hung server; 0 if it did not.
     * Counted from when it met the fault in force; a fault healed before B was up may be waited out, but then the
     * request must end within B of the heal.
     */
    long waitedPastB(RequestRecord r) {
        long worst = 0;
        for (Injected f : overlapping(r)) {
            if (f.kind().effect() != Effect.DEAD_OR_HUNG || r.startNanos() > f.endNanos()) {
                continue;
            }
            long met = Math.max(r.startNanos(), f.inForceNanos());
            long from = f.endNanos() - met <= budgetNanos ? f.endNanos() : met;
            long stalled = f.stalledWithin(r.startNanos(), r.endNanos());
            long waited = r.endNanos() - met;
            boolean pastB = r.endNanos() - from > budgetNanos + MARGIN_NANOS + stalled;
            boolean pastItsOwnLength = r.endNanos() - r.startNanos() > r.expectedNanos() + MARGIN_NANOS + stalled;
            if (pastB && pastItsOwnLength) {
                worst = Math.max(worst, waited);
            }
        }
        return worst;
    }

    /**
     * How long a request that met a dead path or a hung server waited because of it: until it failed, counted from
     * the moment it met the fault; or, if it succeeded, how much longer it took than it takes by itself (a long query
     * begun as the fault healed did not wait at all).
     */
    long waitOnDeadOrHung(RequestRecord r) {
        long worst = 0;
        for (Injected f : overlapping(r)) {
            if (f.kind().effect() == Effect.DEAD_OR_HUNG && r.startNanos() <= f.endNanos()) {
                long wait = r.failed() ? r.endNanos() - Math.max(r.startNanos(), f.inForceNanos())
                        : r.endNanos() - r.startNanos() - r.expectedNanos();
                worst = Math.max(worst, wait);
            }
        }
        return worst;
    }

    /** Whether a fault that permits failures touched the request. */
    private boolean permitsFailure(RequestRecord r) {
        return overlapping(r).stream().anyMatch(f -> f.kind().effect() != Effect.BENIGN);
    }

    /** The faults whose windows the request overlapped. */
    List<Injected> overlapping(RequestRecord r) {
        List<Injected> hit = new ArrayList<>();
        for (Injected f : faults) {
            long windowEnd = f.endNanos() + settle(f.kind()); // a stall on top permits nothing more
            if (r.startNanos() <= windowEnd && r.endNanos() >= f.startNanos()) {
                hit.add(f);
            }
        }
        return hit;
    }

    private long settle(FaultKind kind) {
        return switch (kind.effect()) {
            case DEAD_OR_HUNG, SOME_DEAD -> budgetNanos;
            case ENDS_SESSIONS -> SESSIONS_SETTLE_NANOS;
            case BENIGN -> 0;
        };
    }

    private Injected lastBefore(long nanos) {
        Injected last = null;
        for (Injected f : faults) {
            if (f.startNanos() <= nanos) {
                last = f;
            }
        }
        return last;
    }

    private String metBy(RequestRecord r) {
        List<Injected> hit = overlapping(r);
        return hit.isEmpty() ? "no fault" : hit.get(hit.size() - 1).episode().toString();
    }
}
