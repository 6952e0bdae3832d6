package io.github.jdbcliveness.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SoakScheduleTest {

    private static final Duration B = Duration.ofSeconds(6);
    private static final Set<FaultKind> ALL = EnumSet.allOf(FaultKind.class);
    private static final Set<FaultKind> NO_KERNEL = EnumSet.complementOf(EnumSet.of(FaultKind.DEAD_PATH,
            FaultKind.ONE_FLOW, FaultKind.NEW_CONNECTIONS_DROPPED));

    @Test
    void aSeedGivesOneSchedule_andAnotherSeedAnother() {
        assertEquals(SoakSchedule.of(7, Duration.ofMinutes(30), B, ALL), SoakSchedule.of(7, Duration.ofMinutes(30), B,
                ALL));
        assertNotEquals(SoakSchedule.of(7, Duration.ofMinutes(30), B, ALL), SoakSchedule.of(8, Duration.ofMinutes(30),
                B, ALL));
    }

    @Test
    void faultsComeOneAfterAnother_eachWithAQuietSpellOfAtLeastBAndThreeSeconds_withinTheLength() {
        for (long seed = 1; seed <= 200; seed++) {
            List<Episode> s = SoakSchedule.of(seed, Duration.ofMinutes(3), B, ALL);
            assertTrue(s.size() >= 4, "seed " + seed + ": only " + s.size() + " faults in 3 minutes");
            long quiet = B.plus(SoakSchedule.QUIET_EXTRA).toNanos();
            for (int i = 0; i < s.size(); i++) {
                Episode e = s.get(i);
                long end = e.at().toNanos() + Math.max(e.length().toNanos(), e.stallAfter().plus(e.stall()).toNanos());
                long next = i + 1 < s.size() ? s.get(i + 1).at().toNanos() : Duration.ofMinutes(3).toNanos();
                assertTrue(next - end >= quiet, "seed " + seed + ", fault " + i + ": quiet " + (next - end) / 1e9 + " s");
                if (e.kind().instant()) {
                    assertEquals(Duration.ZERO, e.length());
                }
            }
        }
    }

    @Test
    void everyKindIsDrawn_andTheKernelsOnlyWhereTheyCanRun() {
        Set<FaultKind> all = EnumSet.noneOf(FaultKind.class);
        Set<FaultKind> withoutKernel = EnumSet.noneOf(FaultKind.class);
        for (long seed = 1; seed <= 50; seed++) {
            SoakSchedule.of(seed, Duration.ofMinutes(10), B, ALL).forEach(e -> all.add(e.kind()));
            SoakSchedule.of(seed, Duration.ofMinutes(10), B, NO_KERNEL).forEach(e -> withoutKernel.add(e.kind()));
        }
        assertEquals(EnumSet.allOf(FaultKind.class), all);
        assertTrue(withoutKernel.stream().noneMatch(FaultKind::kernel), withoutKernel.toString());
        assertEquals(EnumSet.allOf(FaultKind.class).stream().filter(k -> !k.kernel()).count(), withoutKernel.size());
    }
}
