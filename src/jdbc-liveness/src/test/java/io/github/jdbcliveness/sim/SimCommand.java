package io.github.jdbcliveness.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator from the command line: runs seeds for a while and prints, each second, how many seeds and steps ran
 * and the violations found; or replays one seed with its schedule. See {@code docs/simulation.md}.
 *
 * <pre>
 * SimCommand [--seconds S] [--seeds N] [--from SEED]    run seeds SEED, SEED+1, ... until S seconds or N seeds
 * SimCommand --seed N [--trace]                         replay one seed (with its schedule)
 * </pre>
 */
public final class SimCommand {

    private SimCommand() {
    }

    public static void main(String[] args) {
        quietly(); // the engine logs evictions and verdicts: thousands of lines a second here

        long seconds = 30;
        long seeds = Long.MAX_VALUE;
        long from = System.currentTimeMillis();
        Long one = null;
        boolean trace = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Long.parseLong(args[++i]);
                case "--seeds" -> seeds = Long.parseLong(args[++i]);
                case "--from" -> from = Long.parseLong(args[++i]);
                case "--seed" -> one = Long.parseLong(args[++i]);
                case "--trace" -> trace = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; use --seconds S, --seeds N, --from SEED, --seed N [--trace]");
            }
        }
        if (one != null) {
            Sim.Outcome o = Sim.run(one, trace);
            System.out.println(trace ? report(o) : summary(o));
            System.exit(o.passed() ? 0 : 1);
        }
        System.exit(soak(from, seeds, seconds) ? 0 : 1);
    }

    /** Runs seeds from {@code from}; prints a line a second. @return whether no seed broke an invariant */
    static boolean soak(long from, long maxSeeds, long seconds) {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long lastPrint = start;
        long seedsInSecond = 0;
        long stepsInSecond = 0;
        long total = 0;
        List<Long> failed = new ArrayList<>();
        java.util.Map<OpenFinding, Long> open = new java.util.EnumMap<>(OpenFinding.class);
        java.util.Map<OpenFinding, Long> firstSeed = new java.util.EnumMap<>(OpenFinding.class);
        System.out.println("seeds from " + from + ", for " + seconds + " s");
        for (long seed = from; total < maxSeeds && System.nanoTime() < end; seed++) {
            Sim.Outcome o = Sim.run(seed, false);
            total++;
            seedsInSecond++;
            stepsInSecond += o.steps();
            if (!o.passed()) {
                failed.add(seed);
                Violation first = o.violations().stream().filter(v -> v.finding() == null).findFirst().orElseThrow();
                System.out.println("seed " + seed + " FAILED: " + first + " (" + o.violations().size()
                        + " violations; replay: --seed " + seed + " --trace)");
            }
            long s = seed;
            o.violations().stream().map(Violation::finding).filter(java.util.Objects::nonNull).distinct()
                    .forEach(f -> {
                        open.merge(f, 1L, Long::sum);
                        firstSeed.putIfAbsent(f, s);
                    });
            long now = System.nanoTime();
            if (now - lastPrint >= 1_000_000_000L) {
                System.out.printf("%6.1f s  %5d seeds/s  %8d steps/s  %d seeds, %d failed, open findings %s%n",
                        (now - start) / 1e9, seedsInSecond, stepsInSecond, total, failed.size(), open);
                lastPrint = now;
                seedsInSecond = 0;
                stepsInSecond = 0;
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d seeds in %.1f s (%.0f seeds/s), %d failed%s; seeds showing an open finding: %s%n", total,
                took, total / took, failed.size(), failed.isEmpty() ? "" : ": " + failed.subList(0, Math.min(50,
                        failed.size())), open);
        if (!firstSeed.isEmpty()) {
            System.out.println("the first seed showing each open finding: " + firstSeed);
        }
        return failed.isEmpty();
    }

    /**
     * Sends the engine's log (slf4j-simple writes to {@code System.err}) nowhere: the simulator evicts thousands of
     * connections a second, and formatting their lines would cost more than simulating them.
     */
    static java.io.PrintStream quietly() {
        java.io.PrintStream was = System.err;
        System.setErr(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        return was;
    }

    static String summary(Sim.Outcome o) {
        StringBuilder b = new StringBuilder("seed " + o.seed() + " (" + o.settings() + "): " + o.steps() + " steps, "
                + (o.clean() ? "every invariant held" : o.passed() ? "only open findings" : o.violations().size()
                        + " violations"));
        for (Violation v : o.violations()) {
            b.append("\n  ").append(v);
        }
        return b.toString();
    }

    /** A seed's summary and its whole schedule. */
    static String report(Sim.Outcome o) {
        StringBuilder b = new StringBuilder(summary(o)).append("\nschedule:\n");
        for (String line : o.trace()) {
            b.append(line).append('\n');
        }
        return b.toString();
    }
}
