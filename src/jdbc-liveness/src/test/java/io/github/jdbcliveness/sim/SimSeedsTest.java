package io.github.jdbcliveness.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The engine on simulated time under the seeds' faults: every invariant holds after every step, for thousands of
 * seeds; a seed replays exactly; and a deliberate break is found. A failing seed prints itself and its schedule; run
 * it again with {@code SimCommand --seed N --trace}.
 */
class SimSeedsTest {

    /**
     * Seeds per run: a few seconds (about 1,000 seeds a second on one core of this 2-core machine). CI's repeat runs
     * on other HikariCP and JDK versions take fewer ({@code -Dsim.seeds}): the simulation runs no HikariCP.
     */
    private static final int SEEDS = Integer.getInteger("sim.seeds", 5_000);

    @Test
    void everyInvariantHolds_afterEveryStep_forThousandsOfSeeds() {
        long first = Long.getLong("sim.firstSeed", 1);
        List<Sim.Outcome> failed = new ArrayList<>();
        Map<OpenFinding, Long> open = new EnumMap<>(OpenFinding.class);
        long steps = 0;
        long start = System.nanoTime();
        PrintStream err = SimCommand.quietly();
        try {
            for (long seed = first; seed < first + SEEDS; seed++) {
                Sim.Outcome o = Sim.run(seed, false);
                steps += o.steps();
                if (!o.passed()) {
                    failed.add(o);
                }
                o.violations().stream().map(Violation::finding).filter(Objects::nonNull).distinct()
                        .forEach(f -> open.merge(f, 1L, Long::sum));
            }
        } finally {
            System.setErr(err);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("simulated %d seeds (%d steps) in %.1f s; seeds showing an open finding: %s%n", SEEDS, steps,
                seconds, open);
        if (!failed.isEmpty()) {
            Sim.Outcome replay = Sim.run(failed.get(0).seed(), true);
            fail(failed.size() + " of " + SEEDS + " seeds broke an invariant; seeds "
                    + failed.stream().limit(20).map(o -> Long.toString(o.seed())).toList() + "\n"
                    + SimCommand.report(replay));
        }
    }

    @Test
    void aSeed_replaysExactly_stepForStep() {
        PrintStream err = SimCommand.quietly();
        try {
            replaysExactly();
        } finally {
            System.setErr(err);
        }
    }

    private static void replaysExactly() {
        for (long seed : new long[] {7, 42, 1_000_003}) {
            Sim.Outcome a = Sim.run(seed, true);
            Sim.Outcome b = Sim.run(seed, true);
            assertEquals(a.trace(), b.trace(), "seed " + seed);
            assertEquals(a.traceHash(), b.traceHash());
            assertEquals(a.steps(), b.steps());
            assertEquals(a.traceHash(), Sim.run(seed, false).traceHash(), "a trace kept or not, the same schedule");
        }
        assertNotEquals(Sim.run(7, false).traceHash(), Sim.run(8, false).traceHash());
    }

    @Test
    void aBrokenBorrowGuard_isFound_withItsSeed() {
        PrintStream err = SimCommand.quietly();
        try {
            brokenBorrowGuardIsFound();
        } finally {
            System.setErr(err);
        }
    }

    private static void brokenBorrowGuardIsFound() {
        List<Long> found = new ArrayList<>();
        for (long seed = 1; seed <= 500 && found.isEmpty(); seed++) {
            Sim.Outcome o = Sim.run(seed, false, Sim.Break.BORROW_GUARD_SKIPS_SOCKET_LOOK);
            if (o.violations().stream().anyMatch(v -> v.invariant() == 2)) {
                found.add(seed);
            }
        }
        assertTrue(!found.isEmpty(), "a borrow guard that hands out closed connections went unnoticed");
        Sim.Outcome again = Sim.run(found.get(0), true, Sim.Break.BORROW_GUARD_SKIPS_SOCKET_LOOK);
        assertTrue(again.violations().stream().anyMatch(v -> v.invariant() == 2), "the seed replays the violation");
    }
}
