package io.github.jdbcliveness.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A soak's faults, drawn from its seed: one seed gives one schedule, whatever the machine. Faults come one after
 * another, each followed by a quiet spell long enough to see the pools recover (B, then the checks); one in four
 * has a client stall laid on top.
 */
public final class SoakSchedule {

    /** The pools fill and warm up before the first fault. */
    static final Duration WARM_UP = Duration.ofSeconds(5);
    /** A quiet spell after each fault, at least B plus this: the recovery is measured at B after the heal. */
    static final Duration QUIET_EXTRA = Duration.ofSeconds(3);

    private SoakSchedule() {
    }

    /** @param kinds the faults that can be made here (the kernel's need root and nftables); no other is drawn */
    public static List<Episode> of(long seed, Duration length, Duration budget, java.util.Set<FaultKind> kinds) {
        return of(seed, length, budget, kinds.stream().sorted().toArray(FaultKind[]::new));
    }

    private static List<Episode> of(long seed, Duration length, Duration budget, FaultKind[] kinds) {
        SplittableRandom random = new SplittableRandom(seed);
        long b = budget.toNanos();
        List<Episode> episodes = new ArrayList<>();
        long at = WARM_UP.toNanos();
        while (true) {
            FaultKind kind = kinds[random.nextInt(kinds.length)];
            long faultLength = switch (kind) {
                case RESET, SESSIONS_ENDED -> 0;
                case CLIENT_STALL -> between(random, b / 5, b / 2);
                case SLOW_LINK -> between(random, b, 2 * b);
                default -> between(random, b / 2, 5 * b / 2);
            };
            long stall = 0;
            long stallAfter = 0;
            if (kind != FaultKind.CLIENT_STALL && random.nextInt(4) == 0) {
                stall = between(random, b / 5, 2 * b / 5);
                stallAfter = faultLength == 0 ? 0 : random.nextLong(faultLength);
            }
            long quiet = b + QUIET_EXTRA.toNanos() + random.nextLong(b);
            long end = at + Math.max(faultLength, stallAfter + stall) + quiet;
            if (end > length.toNanos()) {
                return episodes;
            }
            episodes.add(new Episode(kind, Duration.ofNanos(at), Duration.ofNanos(faultLength),
                    Duration.ofNanos(stallAfter), Duration.ofNanos(stall)));
            at = end;
        }
    }

    private static long between(SplittableRandom random, long low, long high) {
        return low + random.nextLong(high - low + 1);
    }
}
