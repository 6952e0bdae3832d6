package io.github.jdbcliveness.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The wheel with a plain counter for a clock: every time below is passed in by the test. */
class TimerWheelTest {

    private static final long TICK = 10;
    private static final int BUCKETS = 8;

    /** What fired, and the {@code now} of the advance that fired it. */
    private record Fired(String item, long at) {
    }

    private final List<Fired> fired = new ArrayList<>();

    /** Advances one tick at a time up to {@code until}, recording each firing with the boundary it fired at. */
    private static void stepTo(TimerWheel<String> wheel, long until, List<Fired> into) {
        while (until - wheel.nextTickNanos() >= 0) {
            long boundary = wheel.nextTickNanos();
            assertEquals(1, wheel.advance(boundary, item -> into.add(new Fired(item, boundary))));
        }
    }

    /** The first tick boundary (counted from {@code start}) at or after {@code due}. */
    private static long boundaryFor(long start, long due) {
        long d = due - start;
        long ticks = d <= 0 ? 1 : (d + TICK - 1) / TICK;
        return start + ticks * TICK;
    }

    @Test
    void advance_firesEntriesInDueOrder_acrossTicks() {
        long start = 1_000;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        long[] dues = {start + 47, start + 3, start + 130, start + 21, start + 10, start + 11, start + 99, start + 64};
        for (long due : dues) {
            wheel.schedule("d" + (due - start), due);
        }

        stepTo(wheel, start + 200, fired);

        assertEquals(List.of("d3", "d10", "d11", "d21", "d47", "d64", "d99", "d130"),
                fired.stream().map(Fired::item).toList());
        for (Fired f : fired) {
            long due = start + Long.parseLong(f.item().substring(1));
            assertEquals(boundaryFor(start, due), f.at(), f.item() + " fired at the wrong tick");
        }
        assertEquals(0, wheel.size());
    }

    @Test
    void advance_firesEntriesInDueOrder_withinOneTick() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        for (long due : new long[] {7, 2, 9, 1, 5, 10, 3}) {
            wheel.schedule("d" + due, due);
        }

        int visited = wheel.advance(10, item -> fired.add(new Fired(item, 10)));

        assertEquals(1, visited);
        assertEquals(List.of("d1", "d2", "d3", "d5", "d7", "d9", "d10"), fired.stream().map(Fired::item).toList());
    }

    @Test
    void advance_overManyRevolutionsInOneCall_firesEverythingInDueOrder() {
        TimerWheel<Long> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        SplittableRandom rnd = new SplittableRandom(7);
        List<Long> dues = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long due = 1 + rnd.nextLong(50 * BUCKETS * TICK);
            dues.add(due);
            wheel.schedule(due, due);
        }
        List<Long> order = new ArrayList<>();

        int visited = wheel.advance(50 * BUCKETS * TICK, order::add);

        assertEquals(50 * BUCKETS, visited);
        dues.sort(Comparator.naturalOrder());
        assertEquals(dues, order);
    }

    @Test
    void entryDueBeyondOneRevolution_firesAtItsTick_notEarly() {
        long start = 500;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        long revolution = BUCKETS * TICK;
        long[] offsets = {revolution - TICK, revolution - 1, revolution, revolution + 1, 2 * revolution - 1,
                3 * revolution + 25, 7 * revolution};
        for (long off : offsets) {
            wheel.schedule("o" + off, start + off);
        }

        stepTo(wheel, start + 8 * revolution, fired);

        assertEquals(offsets.length, fired.size());
        for (Fired f : fired) {
            long due = start + Long.parseLong(f.item().substring(1));
            assertEquals(boundaryFor(start, due), f.at(), f.item() + " fired early or late");
        }
    }

    @Test
    void cancel_beforeFiring_preventsIt() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        TimerWheel.Entry<String> keep = wheel.schedule("keep", 25);
        TimerWheel.Entry<String> drop = wheel.schedule("drop", 25);
        TimerWheel.Entry<String> far = wheel.schedule("far", 3 * BUCKETS * TICK);
        assertEquals(3, wheel.size());

        assertTrue(wheel.cancel(drop));
        assertTrue(wheel.cancel(far));

        assertFalse(drop.scheduled());
        assertFalse(wheel.cancel(drop), "a second cancel has nothing to take back");
        assertEquals(1, wheel.size());
        stepTo(wheel, 10 * BUCKETS * TICK, fired);
        assertEquals(List.of("keep"), fired.stream().map(Fired::item).toList());
        assertFalse(keep.scheduled());
        assertFalse(wheel.cancel(keep), "a fired entry cannot be cancelled");
    }

    @Test
    void cancel_ofEntryDueInSameTick_byEarlierEntrysCallback_preventsIt() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        List<TimerWheel.Entry<String>> victim = new ArrayList<>();
        wheel.schedule("first", 3);
        victim.add(wheel.schedule("victim", 7));
        wheel.schedule("last", 9);
        List<String> order = new ArrayList<>();
        List<Boolean> cancelled = new ArrayList<>();

        wheel.advance(10, item -> {
            order.add(item);
            if (item.equals("first")) {
                cancelled.add(wheel.cancel(victim.get(0)));
            }
        });

        assertEquals(List.of("first", "last"), order);
        assertEquals(List.of(true), cancelled);
        assertFalse(victim.get(0).scheduled());
        assertEquals(0, wheel.size());
    }

    @Test
    void schedule_fromCallbackWithPastDue_firesOnNextTick_notARevolutionLater() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        wheel.schedule("parent", 5);
        long[] boundary = {0};

        while (fired.size() < 2 && boundary[0] < 3 * BUCKETS * TICK) {
            boundary[0] = wheel.nextTickNanos();
            wheel.advance(boundary[0], item -> {
                fired.add(new Fired(item, boundary[0]));
                if (item.equals("parent")) {
                    wheel.schedule("child", 1); // long past
                }
            });
        }

        assertEquals(List.of(new Fired("parent", TICK), new Fired("child", 2 * TICK)), fired);
    }

    @Test
    void schedule_fromCallbackDueInSameTick_doesNotFireInTheBucketBeingEmptied() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        wheel.schedule("parent", 2);
        List<String> order = new ArrayList<>();

        wheel.advance(TICK, item -> {
            order.add(item);
            if (item.equals("parent")) {
                wheel.schedule("child", 8);
            }
        });

        assertEquals(List.of("parent"), order);
        assertEquals(1, wheel.size());
        wheel.advance(2 * TICK, order::add);
        assertEquals(List.of("parent", "child"), order);
    }

    @Test
    void schedule_withPastDue_firesAtNextTick() {
        long start = 10_000;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        stepTo(wheel, start + 5 * TICK, fired);

        wheel.schedule("past", start - 3 * BUCKETS * TICK);
        wheel.schedule("now", start + 5 * TICK);

        stepTo(wheel, start + 6 * TICK, fired);
        assertEquals(List.of(new Fired("past", start + 6 * TICK), new Fired("now", start + 6 * TICK)), fired);
    }

    @Test
    void advance_beforeNextBoundary_visitsNothing() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        wheel.schedule("x", 1);

        assertEquals(0, wheel.advance(TICK - 1, item -> fired.add(new Fired(item, TICK - 1))));

        assertTrue(fired.isEmpty());
        assertEquals(0, wheel.ticks());
        assertEquals(TICK, wheel.nextTickNanos());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100_000})
    void advance_visitsOneBucketPerElapsedTick_whateverTheNumberOfEntries(int entries) {
        long tick = 10_000_000L; // 10 ms
        long start = 42;
        TimerWheel<Integer> wheel = new TimerWheel<>(tick, 512, start);
        SplittableRandom rnd = new SplittableRandom(1);
        int dueWithinOneSecond = 0;
        for (int i = 0; i < entries; i++) {
            long offset = 1 + rnd.nextLong(10_000_000_000L); // within 10 s
            if (offset <= 1_000_000_000L) {
                dueWithinOneSecond++;
            }
            wheel.schedule(i, start + offset);
        }
        int[] firedCount = {0};

        int visited = wheel.advance(start + 1_000_000_000L, i -> firedCount[0]++);

        assertEquals(100, visited);
        assertEquals(100, wheel.ticks());
        assertEquals(dueWithinOneSecond, firedCount[0]);
        assertEquals(entries - dueWithinOneSecond, wheel.size());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a comparison that is not wrap-safe loops
    void advance_acrossClockWrap_firesInOrderAndOnTime() {
        long start = Long.MAX_VALUE - 3 * TICK - 4;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        List<Long> offsets = List.of(95L, 5L, 31L, 40L, 2L * BUCKETS * TICK + 3, 29L, 61L);
        for (long off : offsets) {
            wheel.schedule("o" + off, start + off); // several of these dues are negative: past the wrap
        }
        assertTrue(start + 95 < 0, "the test must cross Long.MAX_VALUE");

        stepTo(wheel, start + 3 * BUCKETS * TICK, fired);

        List<String> expected = offsets.stream().sorted().map(o -> "o" + o).toList();
        assertEquals(expected, fired.stream().map(Fired::item).toList());
        for (Fired f : fired) {
            long due = start + Long.parseLong(f.item().substring(1));
            assertEquals(boundaryFor(start, due), f.at(), f.item() + " fired at the wrong tick");
        }
        assertEquals(3 * BUCKETS, wheel.ticks());
    }

    // ---- nextDueNanos ------------------------------------------------------------------------------------------

    @Test
    void nextDueNanos_isTheBoundaryTheEarliestEntryFiresAt() {
        long start = 1_000;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        wheel.schedule("late", start + 47);
        wheel.schedule("early", start + 21);

        assertEquals(start + 30, wheel.nextDueNanos());
        stepTo(wheel, start + 29, fired);
        assertEquals(start + 30, wheel.nextDueNanos(), "advancing towards it does not move it");
        stepTo(wheel, start + 30, fired);
        assertEquals(List.of(new Fired("early", start + 30)), fired);
        assertEquals(start + 50, wheel.nextDueNanos());
    }

    @Test
    void nextDueNanos_ofPastDue_isTheNextTick() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        stepTo(wheel, 5 * TICK, fired);
        wheel.schedule("past", -3 * BUCKETS * TICK);

        assertEquals(wheel.nextTickNanos(), wheel.nextDueNanos());
    }

    @Test
    void nextDueNanos_withEntriesSeveralRoundsAway_accountsForTheirRounds() {
        long start = 500;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        long revolution = BUCKETS * TICK;
        // The entry in the bucket scanned first is five rounds away; the one two buckets on is only three.
        wheel.schedule("fiveRounds", start + 5 * revolution + 5);
        wheel.schedule("threeRounds", start + 3 * revolution + 25);

        assertEquals(start + 3 * revolution + 30, wheel.nextDueNanos());
        stepTo(wheel, start + 3 * revolution + 30, fired);
        assertEquals(List.of(new Fired("threeRounds", start + 3 * revolution + 30)), fired);
        assertEquals(start + 5 * revolution + 10, wheel.nextDueNanos());
    }

    @Test
    void nextDueNanos_matchesTheNextFiring_acrossRandomAdvancesAndSchedules() {
        TimerWheel<Long> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200; i++) {
            long due = rnd.nextLong(20 * BUCKETS * TICK);
            wheel.schedule(due, due);
        }
        long now = 0;
        while (wheel.size() > 0) {
            long planned = wheel.nextDueNanos();
            List<Long> early = new ArrayList<>();
            wheel.advance(planned - 1, early::add);
            assertTrue(early.isEmpty(), "fired before the planned boundary " + planned + ": " + early);
            List<Long> atPlan = new ArrayList<>();
            wheel.advance(planned, atPlan::add);
            assertFalse(atPlan.isEmpty(), "nothing fired at the planned boundary " + planned);
            now = planned;
            if (rnd.nextInt(3) == 0) {
                long due = now + rnd.nextLong(10 * BUCKETS * TICK);
                wheel.schedule(due, due);
            }
        }
    }

    @Test
    void nextDueNanos_afterCancellingTheEarliest_isNeverLate() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        long revolution = BUCKETS * TICK;
        TimerWheel.Entry<String> soon = wheel.schedule("soon", 25);
        wheel.schedule("sameBucketLater", 2 * revolution + 25);
        wheel.schedule("otherBucket", revolution + 55);

        wheel.cancel(soon);

        // May be early (the bucket still remembers its cancelled entry until visited), never past the real earliest.
        assertTrue(wheel.nextDueNanos() <= revolution + 60, "planned at " + wheel.nextDueNanos());
        List<String> all = new ArrayList<>();
        while (wheel.size() > 0) {
            long planned = wheel.nextDueNanos();
            wheel.advance(planned, all::add);
        }
        assertEquals(List.of("otherBucket", "sameBucketLater"), all);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a comparison that is not wrap-safe loops
    void nextDueNanos_acrossClockWrap_isTheBoundaryPastLongMaxValue() {
        long start = Long.MAX_VALUE - 3 * TICK - 4;
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, start);
        long revolution = BUCKETS * TICK;
        wheel.schedule("farPastTheWrap", start + 4 * revolution + 12);
        wheel.schedule("justPastTheWrap", start + revolution + 7);

        long planned = wheel.nextDueNanos();

        assertEquals(start + revolution + 10, planned);
        assertTrue(planned < 0, "the test must plan past Long.MAX_VALUE");
        stepTo(wheel, planned, fired);
        assertEquals(List.of(new Fired("justPastTheWrap", planned)), fired);
        assertEquals(start + 4 * revolution + 20, wheel.nextDueNanos());
    }

    @Test
    void nextDueNanos_ofEmptyWheel_isRefused() {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, BUCKETS, 0);
        assertThrows(IllegalStateException.class, wheel::nextDueNanos);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void constructor_rejectsNonPositiveTick_namingTheValue(long tick) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimerWheel<String>(tick, BUCKETS, 0));
        assertTrue(e.getMessage().contains("tickNanos (" + tick + ")"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 100, 513, -8, Integer.MIN_VALUE})
    void constructor_rejectsBucketCountThatIsNotAPositivePowerOfTwo_namingTheValue(int buckets) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimerWheel<String>(TICK, buckets, 0));
        assertTrue(e.getMessage().contains("buckets (" + buckets + ")"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 512, 1 << 20})
    void constructor_acceptsPowersOfTwo(int buckets) {
        TimerWheel<String> wheel = new TimerWheel<>(TICK, buckets, 0);
        wheel.schedule("x", 3 * TICK);
        stepTo(wheel, 3 * TICK, fired);
        assertEquals(List.of(new Fired("x", 3 * TICK)), fired);
    }
}
