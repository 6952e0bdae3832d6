package io.github.jdbcliveness.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.heartbeat.FakeProbeable.Ended;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The heartbeat's logic on fake time: the test owns the clock, runs the probes by hand ({@link ManualExecutor}) and
 * picks the jitter. Every tick lands on a tick boundary unless a test makes the ticker late on purpose.
 */
class HeartbeatCoreTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = 10 * MS;
    private static final long STALL = 200 * MS;
    private static final long INTERVAL = 10_000 * MS;
    private static final long TIMEOUT = 1_000 * MS;
    private static final long T0 = 1_000_000 * MS;
    /** A connection the heartbeat has never seen alive: its first probe is not held back by a recent sign of life. */
    private static final long LONG_AGO = -100 * INTERVAL;

    private final ManualExecutor probes = new ManualExecutor();
    private final RecordingEvents events = new RecordingEvents();
    /** The jitter source: {@code bound -> value in [0, bound)}; tests swap it. */
    private LongUnaryOperator jitter = bound -> 0;
    private long now = T0;
    private HeartbeatCore core = newCore(T0);

    private HeartbeatCore newCore(long start) {
        now = start;
        return new HeartbeatCore(TICK, STALL, start, probes, probes, () -> now, bound -> jitter.applyAsLong(bound), events);
    }

    private static LongUnaryOperator seeded(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return rnd::nextLong;
    }

    /** The largest jitter the bound allows. */
    private static final LongUnaryOperator MAX_JITTER = bound -> bound - 1;

    private FakeProbeable connection(String name, String host, long lastAliveNanos) {
        return connection(name, host, INTERVAL, lastAliveNanos);
    }

    private FakeProbeable connection(String name, String host, long interval, long lastAliveNanos) {
        return new FakeProbeable(name, host, interval, TIMEOUT, lastAliveNanos, () -> now, probes);
    }

    private FakeProbeable registered(String name, String host, long lastAliveNanos) {
        FakeProbeable p = connection(name, host, lastAliveNanos);
        core.register(p, now);
        return p;
    }

    /** Ticks on every boundary up to {@code until}, running the probes (bar silent ones) right after each tick. */
    private void runTo(long until) {
        while (until - (now + TICK) >= 0) {
            now += TICK;
            core.tick(now);
            probes.runAll();
        }
    }

    /**
     * Drives the core as {@link HeartbeatScheduler} does: wakes only when {@code tick} planned to, or one tick after
     * a wakeup that left commands queued by probe threads (a passed probe's reschedule), which wake the ticker early.
     *
     * @return the wakeups up to {@code until}
     */
    private int followPlanTo(long until) {
        int wakeups = 0;
        long wake = core.tick(now);
        wakeups++;
        while (true) {
            probes.runAll();
            long next = wake;
            if (core.hasCommands() && (wake == Long.MAX_VALUE || wake - (now + TICK) > 0)) {
                next = now + TICK;
            }
            if (next == Long.MAX_VALUE || next - until > 0) {
                return wakeups;
            }
            if (next != wake) {
                core.wokenByCommand(next);
            }
            now = next;
            wake = core.tick(now);
            wakeups++;
        }
    }

    private static long at(long millis) {
        return T0 + millis * MS;
    }

    // ---- first probes ------------------------------------------------------------------------------------------

    @Test
    void firstProbes_ofThousandConnectionsNeverSeenAlive_spreadOverSecondHalfOfInterval() {
        jitter = seeded(2024);
        List<FakeProbeable> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(registered("c" + i, "db:5432", T0 + LONG_AGO));
        }

        runTo(at(10_000));

        assertFirstProbesSpreadOver(all, at(5_000), at(10_000));
    }

    @Test
    void firstProbes_ofThousandJustOpenedConnections_spreadOverSecondHalfOfInterval() {
        jitter = seeded(2024);
        List<FakeProbeable> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(registered("c" + i, "db:5432", now)); // just opened: alive now, as TrackedConnection says
        }

        runTo(at(10_000));

        assertFirstProbesSpreadOver(all, at(5_000), at(10_000));
    }

    private static void assertFirstProbesSpreadOver(List<FakeProbeable> all, long from, long to) {
        int slices = 10;
        long width = (to - from) / slices;
        int[] perSlice = new int[slices];
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (FakeProbeable p : all) {
            assertTrue(!p.probeStarts.isEmpty(), p + " was never probed in its first interval");
            long first = p.probeStarts.get(0);
            assertTrue(first - from >= 0 && to - first >= 0,
                    p + " first probed at +" + (first - T0) / MS + " ms, outside the window");
            min = Math.min(min, first);
            max = Math.max(max, first);
            perSlice[(int) Math.min(slices - 1, (first - from) / width)]++;
        }
        int fair = all.size() / slices;
        for (int i = 0; i < slices; i++) {
            assertTrue(perSlice[i] > 0 && perSlice[i] <= 3 * fair,
                    "slice " + i + " holds " + perSlice[i] + " first probes (fair share " + fair + "): "
                            + Arrays.toString(perSlice));
        }
        assertTrue(min - from < width, "earliest first probe at +" + (min - T0) / MS + " ms");
        assertTrue(to - max < width, "latest first probe at +" + (max - T0) / MS + " ms");
    }

    @Test
    void firstProbe_ofShortInterval_comesNoSoonerThan100Milliseconds() {
        FakeProbeable early = connection("early", "db", 150 * MS, T0 + LONG_AGO);
        FakeProbeable late = connection("late", "db", 150 * MS, T0 + LONG_AGO);
        jitter = bound -> 0;
        core.register(early, now);
        jitter = MAX_JITTER;
        core.register(late, now);

        runTo(at(150));

        assertEquals(List.of(at(HeartbeatCore.FIRST_PROBE_MIN_NANOS / MS)), early.probeStarts);
        assertEquals(List.of(at(150)), late.probeStarts);
    }

    // ---- after a pass ------------------------------------------------------------------------------------------

    @Test
    void nextProbe_afterPass_isDueBetween90And100PercentOfIntervalLater() {
        jitter = seeded(99);
        List<FakeProbeable> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            all.add(registered("c" + i, "db", T0 + LONG_AGO));
        }

        runTo(at(60_000));

        long minGap = Long.MAX_VALUE;
        long maxGap = Long.MIN_VALUE;
        for (FakeProbeable p : all) {
            assertTrue(p.passed.size() >= 5, p + " passed only " + p.passed.size() + " probes in 60 s");
            for (int i = 0; i + 1 < p.probeStarts.size(); i++) {
                long gap = p.probeStarts.get(i + 1) - p.passed.get(i).endNanos();
                assertTrue(gap >= INTERVAL - INTERVAL / 10 && gap <= INTERVAL,
                        p + ": next probe " + gap / MS + " ms after the pass");
                minGap = Math.min(minGap, gap);
                maxGap = Math.max(maxGap, gap);
            }
        }
        assertTrue(minGap < INTERVAL - INTERVAL / 10 + INTERVAL / 50, "jitter never reached the early end: " + minGap);
        assertTrue(maxGap > INTERVAL - INTERVAL / 50, "jitter never reached the late end: " + maxGap);
        assertTrue(all.stream().allMatch(p -> p.timedOut.isEmpty() && p.failed.isEmpty()));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nextProbe_afterPass_withExtremeJitter_landsOnTheEdgesOfTheWindow(boolean largestJitter) {
        jitter = largestJitter ? MAX_JITTER : bound -> 0;
        FakeProbeable p = registered("c", "db", T0 + LONG_AGO);

        runTo(at(30_000));

        // First probe: half an interval plus jitter. Then one interval after each pass, less jitter up to 10 %.
        List<Long> expected = largestJitter ? List.of(at(10_000), at(19_000), at(28_000))
                : List.of(at(5_000), at(15_000), at(25_000));
        assertEquals(expected, p.probeStarts);
        assertEquals(3, p.passed.size());
    }

    // ---- timeouts and sweeps -----------------------------------------------------------------------------------

    @Test
    void probe_unansweredByDeadline_timesOut_andSweepsSameHostOnNextTick_butNotOtherHosts() {
        FakeProbeable a1 = registered("a1", "a:5432", T0 + LONG_AGO); // first probe at +5 s
        a1.silent = true;
        jitter = MAX_JITTER; // the others' first probes at +10 s
        FakeProbeable a2 = registered("a2", "a:5432", T0 + LONG_AGO);
        FakeProbeable a3 = registered("a3", "a:5432", T0 + LONG_AGO);
        FakeProbeable b1 = registered("b1", "b:5432", T0 + LONG_AGO);

        runTo(at(6_000) - TICK);
        assertEquals(List.of(at(5_000)), a1.probeStarts);
        assertTrue(a1.timedOut.isEmpty(), "timed out before its deadline");

        runTo(at(6_000));
        assertEquals(List.of(new Ended(1, at(5_000), at(6_000))), a1.timedOut);
        assertTrue(a2.lookedAt.isEmpty() && a3.lookedAt.isEmpty(), "swept in the tick of the timeout");

        runTo(at(6_010));
        assertEquals(List.of(at(6_010)), a2.probeStarts);
        assertEquals(List.of(at(6_010)), a3.probeStarts);
        assertTrue(b1.lookedAt.isEmpty(), "another host was swept");
        assertEquals(1, a1.lookedAt.size(), "the timed-out connection itself was probed again");

        runTo(at(10_000) - TICK);
        assertTrue(b1.lookedAt.isEmpty(), "another host was swept");
        runTo(at(10_000));
        assertEquals(List.of(at(10_000)), b1.probeStarts);
        assertEquals(1, a1.timedOut.size());
    }

    @Test
    void sweepNow_fromAnotherThread_claimsTheHostsIdleConnectionsBeforeItReturns_andTheirDeadlinesHold() {
        FakeProbeable a1 = registered("a1", "a:5432", T0 + LONG_AGO);
        FakeProbeable a2 = registered("a2", "a:5432", T0 + LONG_AGO);
        FakeProbeable a3 = registered("a3", "a:5432", T0 + LONG_AGO);
        FakeProbeable b1 = registered("b1", "b:5432", T0 + LONG_AGO);
        runTo(at(1_000)); // registered, first probes not yet due
        a2.silent = true;

        core.sweepNow("a:5432", a1); // evidence from a borrower's thread: no tick in between

        assertEquals(List.of(at(1_000)), a2.probeStarts, "not claimed before sweepNow returned");
        assertEquals(List.of(at(1_000)), a3.probeStarts);
        assertTrue(a1.lookedAt.isEmpty() && b1.lookedAt.isEmpty(), "swept the wrong connections");
        probes.runAll(); // the lanes start them at once
        runTo(at(2_000) - TICK);
        assertTrue(a2.timedOut.isEmpty(), "timed out before its deadline");
        runTo(at(2_000));
        assertEquals(List.of(new Ended(1, at(1_000), at(2_000))), a2.timedOut);
        assertTrue(a3.timedOut.isEmpty() && a3.failed.isEmpty(), "the answered probe was not passed");
    }

    @Test
    void sweep_afterTimeout_probesSameHostConnectionReturnedFromLeaseRecently() {
        FakeProbeable a1 = registered("a1", "a:5432", T0 + LONG_AGO); // first probe at +5 s
        a1.silent = true;
        jitter = MAX_JITTER;
        FakeProbeable a2 = registered("a2", "a:5432", T0 + LONG_AGO); // first probe at +10 s

        runTo(at(3_000));
        a2.lastAliveNanos = now; // a borrower gave it back: alive at +3 s, before the path went dark
        runTo(at(6_010));

        assertEquals(1, a1.timedOut.size());
        assertEquals(List.of(at(6_010)), a2.probeStarts, "the sweep did not probe a2");
    }

    // ---- stalls ------------------------------------------------------------------------------------------------

    @Test
    void stall_coveringProbeDeadline_reprobesInsteadOfEvicting_andTheNextDeadlineTimesOut() {
        FakeProbeable a = registered("a", "db", T0 + LONG_AGO); // probe at +5 s, deadline +6 s
        a.silent = true;
        runTo(at(5_000));
        assertEquals(List.of(at(5_000)), a.probeStarts);

        now = at(8_000); // the ticker planned to wake at the deadline, +6 s, and woke at +8 s
        core.tick(now);

        assertEquals(List.of(at(8_000) - at(6_000)), events.stalls);
        assertEquals(List.of(a), events.reprobed);
        assertTrue(a.timedOut.isEmpty(), "evicted for a deadline that passed while the ticker stood still");

        runTo(at(9_000) - TICK);
        assertTrue(a.timedOut.isEmpty(), "the second chance was shorter than a probe timeout");
        runTo(at(9_000));
        assertEquals(List.of(new Ended(1, at(5_000), at(9_000))), a.timedOut);
        assertEquals(1, events.reprobed.size());
        assertEquals(1, events.stalls.size());
    }

    @Test
    void stall_withAListenerThatThrowsAnError_stillReprobes_andTheNextDeadlineTimesOut() {
        core = new HeartbeatCore(TICK, STALL, now, probes, probes, () -> now, bound -> 0, new HeartbeatEvents() {
            @Override
            public void stalled(long lagNanos) {
                throw new AssertionError("listener assertion on a stall");
            }

            @Override
            public void reprobedAfterStall(Probeable p) {
                throw new AssertionError("listener assertion on a re-probe");
            }
        });
        FakeProbeable a = registered("a", "db", T0 + LONG_AGO); // probe at +5 s, deadline +6 s
        FakeProbeable b = registered("b", "db", T0 + LONG_AGO);
        a.silent = true;
        b.silent = true;
        runTo(at(5_000));

        now = at(8_000); // a stall over both deadlines: each gets its second chance, none is lost to the throw
        core.tick(now);
        assertTrue(a.timedOut.isEmpty() && b.timedOut.isEmpty(), "evicted for a deadline inside the stall");

        runTo(at(9_000));
        assertEquals(List.of(new Ended(1, at(5_000), at(9_000))), a.timedOut);
        assertEquals(List.of(new Ended(1, at(5_000), at(9_000))), b.timedOut);
    }

    @Test
    void stall_endingBeforeProbeDeadline_doesNotPostponeTheTimeout() {
        core.every(TICK, () -> { }, now); // something due every tick: the ticker plans to wake on each one
        FakeProbeable a = registered("a", "db", T0 + LONG_AGO); // probe at +5 s, deadline +6 s
        a.silent = true;
        runTo(at(5_200));

        now = at(5_500); // planned +5.21 s: 290 ms late, over by +5.5 s, half a second before the deadline
        core.tick(now);
        assertEquals(1, events.stalls.size());
        runTo(at(6_000));

        assertTrue(events.reprobed.isEmpty(), "reprobed although the stall did not cover the deadline");
        assertEquals(List.of(new Ended(1, at(5_000), at(6_000))), a.timedOut);
    }

    @Test
    void lateWakeupBelowStallThreshold_isNoStall_andTheDeadlineTimesOut() {
        FakeProbeable a = registered("a", "db", T0 + LONG_AGO);
        a.silent = true;
        runTo(at(5_900));

        now = at(6_050); // planned +5.91 s: 140 ms late
        core.tick(now);

        assertTrue(events.stalls.isEmpty());
        assertTrue(events.reprobed.isEmpty());
        assertEquals(List.of(new Ended(1, at(5_000), at(6_050))), a.timedOut);
    }

    // ---- leases, failures --------------------------------------------------------------------------------------

    @Test
    void leasedConnection_isLookedAtAgainEveryQuarterInterval_andNeverProbedWhileLeased() {
        FakeProbeable p = registered("p", "db", T0 + LONG_AGO); // due at +5 s
        p.leased = true;

        runTo(at(15_000) - TICK);
        assertEquals(List.of(at(5_000), at(7_500), at(10_000), at(12_500)), p.lookedAt);
        assertTrue(p.probeStarts.isEmpty());
        assertEquals(0, probes.pending(), "a probe was submitted for a leased connection");

        p.leased = false;
        runTo(at(15_000));
        assertEquals(List.of(at(15_000)), p.probeStarts);
        assertEquals(List.of(at(15_000)), p.probesRun);
        assertTrue(p.probedWhileLeased.isEmpty());
        assertEquals(1, p.passed.size());
    }

    @Test
    void failedProbe_reportsProbeFailedOnce_andProbesNoMore() {
        FakeProbeable p = registered("p", "db", T0 + LONG_AGO);
        p.answer = FakeProbeable.Answer.FAIL;

        runTo(at(60_000));

        assertEquals(List.of(new Ended(1, at(5_000), at(5_000))), p.failed);
        assertTrue(p.timedOut.isEmpty(), "the failed probe's deadline still evicted it");
        assertEquals(List.of(at(5_000)), p.lookedAt);
    }

    @Test
    void throwingProbe_reportsProbeFailedWithTheCause() {
        FakeProbeable p = registered("p", "db", T0 + LONG_AGO);
        p.answer = FakeProbeable.Answer.THROW;

        runTo(at(20_000));

        assertEquals(1, p.failed.size());
        assertInstanceOf(SQLException.class, p.failureCauses.get(0));
        assertTrue(p.timedOut.isEmpty());
    }

    @Test
    void deregisteredConnection_isNeverProbed() {
        FakeProbeable p = registered("p", "db", T0 + LONG_AGO);
        runTo(at(1_000));

        core.deregister(p);
        runTo(at(20_000));

        assertTrue(p.lookedAt.isEmpty());
        assertEquals(0, core.registered());
        assertEquals(Long.MAX_VALUE, core.tick(now + TICK));
    }

    // ---- wakeups -----------------------------------------------------------------------------------------------

    @Test
    void tick_returnsMaxValueWhenNothingIsScheduled_andTheBoundaryOfTheEarliestDueOtherwise() {
        assertEquals(Long.MAX_VALUE, core.tick(at(15)));

        FakeProbeable p = registered("p", "db", T0 + LONG_AGO); // first probe at +5 s
        p.answer = FakeProbeable.Answer.FAIL;
        assertEquals(at(5_000), core.tick(at(25)));
        assertEquals(at(5_000), core.tick(at(30)));

        now = at(30);
        runTo(at(5_000)); // the probe fails at +5 s; its deadline stays on the wheel until +6 s
        assertEquals(1, p.failed.size());
        assertEquals(at(6_000), core.tick(at(5_000) + 1));
        runTo(at(6_000) - TICK);
        assertEquals(Long.MAX_VALUE, core.tick(at(6_000)));
    }

    @Test
    void tick_withOneConnectionDueIn5Seconds_plansToWakeThen_notOnTheNextTick() {
        registered("p", "db", T0 + LONG_AGO); // first probe at +5 s

        assertEquals(at(5_000), core.tick(at(10)));
        assertEquals(at(5_000), core.tick(at(20) + 3), "a wakeup between boundaries plans the same boundary");
    }

    @Test
    void tick_withEntriesSeveralRevolutionsAway_plansTheEarliest_notTheFirstNonEmptyBucket() {
        long revolution = 512 * TICK; // 5.12 s
        // A periodic task due in 4 revolutions and 30 ticks; a connection due in 5 revolutions and 10 ticks, whose
        // bucket comes first from the cursor.
        core.every(4 * revolution + 30 * TICK, () -> { }, now);
        FakeProbeable p = connection("p", "db", 2 * (5 * revolution + 10 * TICK), T0 + LONG_AGO);
        core.register(p, now);

        assertEquals(T0 + 4 * revolution + 30 * TICK, core.tick(at(10)));
    }

    @Test
    void tick_dueTimeBetweenBoundaries_plansTheBoundaryAtOrAfterIt() {
        core.every(3 * TICK + 1, () -> { }, at(5_000)); // due +5.030000001 s

        assertEquals(at(5_040), core.tick(at(10)));
    }

    @Test
    void tick_whileAProbeRuns_plansItsDeadline_andAfterAQueuedSweepTheNextTick() {
        FakeProbeable a = registered("a", "db", T0 + LONG_AGO); // probe at +5 s, deadline +6 s
        a.silent = true;
        registered("b", "db", T0 + LONG_AGO).leased = true; // also due at +5 s, then every 2.5 s while leased

        runTo(at(5_000) - TICK);
        assertEquals(at(6_000), core.tick(at(5_000)), "the deadline, not the next tick");
        now = at(5_000);
        probes.runAll(); // a starts at +5 s (and never answers)

        assertEquals(at(6_010), core.tick(at(6_000)), "the timeout queued a sweep: run it on the next tick");
        assertEquals(List.of(new Ended(1, at(5_000), at(6_000))), a.timedOut);
    }

    @Test
    void followingThePlan_oneConnectionOverAMinute_wakesForItsProbesOnly_andNeverSeesAStall() {
        FakeProbeable p = registered("p", "db", T0 + LONG_AGO);

        int wakeups = followPlanTo(at(60_000));

        assertEquals(List.of(at(5_000), at(15_000), at(25_000), at(35_000), at(45_000), at(55_000)), p.probeStarts);
        assertEquals(6, p.passed.size());
        // Per probe: its due time, the tick after its pass (the reschedule), its deadline. Not 6 000 ticks.
        assertTrue(wakeups <= 1 + 3 * 6, wakeups + " wakeups in a minute for one connection");
        assertTrue(events.stalls.isEmpty(), "a long planned sleep was taken for a stall: " + events.stalls);
    }

    @Test
    void followingThePlan_aWatchdogTaskEvery800Milliseconds_wakesOncePerRun() {
        int[] runs = {0};
        core.every(800 * MS, () -> runs[0]++, now); // a pool's watchdog: B / 12 for a 9.6 s budget

        int wakeups = followPlanTo(at(10_000));

        assertEquals(12, runs[0]);
        assertEquals(1 + 12, wakeups);
        assertTrue(events.stalls.isEmpty());
    }

    @Test
    void commandDuringALongPlannedSleep_wakesTheTickerEarly_andIsNoStall() {
        registered("p", "db", T0 + LONG_AGO);
        assertEquals(at(5_000), core.tick(at(10)));

        jitter = bound -> 0; // the new connection's first probe: max(100 ms, half of 200 ms)
        FakeProbeable q = connection("q", "db", 200 * MS, T0 + LONG_AGO);
        core.register(q, at(1_000));
        assertTrue(core.hasCommands());
        core.wokenByCommand(at(1_000));

        assertEquals(at(1_100), core.tick(at(1_000)));
        assertTrue(events.stalls.isEmpty(), "woken by a command, long before the plan: no lag to measure");
    }

    @Test
    void tick_nearClockWrap_plansAcrossLongMaxValue() {
        long start = Long.MAX_VALUE - 2_000 * MS - 3;
        core = newCore(start);
        core.register(connection("p", "db", start + LONG_AGO), now); // first probe at start + 5 s, past the wrap

        long wake = core.tick(start + TICK);

        assertEquals(start + 5_000 * MS, wake);
        assertTrue(wake < 0, "the plan must lie past Long.MAX_VALUE");
        assertTrue(events.stalls.isEmpty());
    }

    @Test
    void tick_whosePlanLandsOnLongMaxValue_plansOneNanosecondLater_notASleepUntilACommand() {
        long start = Long.MAX_VALUE - 5_000 * MS; // the first probe is due exactly at Long.MAX_VALUE
        core = newCore(start);
        core.register(connection("p", "db", start + LONG_AGO), now);

        assertEquals(Long.MIN_VALUE, core.tick(start + TICK));
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 10_000})
    void ticks_over10SecondsOfFakeTime_areTenSecondsOverTheTick_whateverTheNumberOfConnections(int connections) {
        jitter = seeded(connections);
        List<FakeProbeable> all = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            FakeProbeable p = connection("c" + i, "db", 1_000 * MS, T0 + LONG_AGO);
            core.register(p, now);
            all.add(p);
        }

        int wakeups = followPlanTo(at(10_000));
        if (now != at(10_000)) {
            core.tick(at(10_000));
            wakeups++;
        }

        assertEquals(1_000, core.ticks());
        assertTrue(wakeups <= 1_001, wakeups + " wakeups in 1 000 ticks");
        for (FakeProbeable p : all) {
            assertTrue(p.passed.size() >= 9, p + " passed " + p.passed.size() + " probes in 10 s of 1 s intervals");
        }
    }

    // ---- clock wrap --------------------------------------------------------------------------------------------

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a comparison that is not wrap-safe loops
    void heartbeat_acrossClockWrap_keepsProbeScheduleAndTimeouts() {
        long start = Long.MAX_VALUE - 5_000 * MS - 3;
        core = newCore(start);
        FakeProbeable healthy = connection("healthy", "db", start + LONG_AGO);
        FakeProbeable silent = connection("silent", "other", start + LONG_AGO);
        silent.silent = true;
        core.register(healthy, now);
        core.register(silent, now);

        runTo(start + 26_000 * MS);

        assertTrue(start + 5_000 * MS + TICK < 0, "the test must cross Long.MAX_VALUE");
        assertEquals(List.of(start + 5_000 * MS, start + 15_000 * MS, start + 25_000 * MS), healthy.probeStarts);
        assertEquals(List.of(new Ended(1, start + 5_000 * MS, start + 6_000 * MS)), silent.timedOut);
        assertTrue(events.stalls.isEmpty(), "the wrap looked like a stall");
    }

    /**
     * A connection that answered the application since its probe was planned is not probed then: that round trip
     * proved it alive. Its next probe comes one interval after the answer, and without answers it is probed every
     * interval again.
     */
    @Test
    void anAnswerToTheApplication_movesTheNextProbeToOneIntervalAfterIt() {
        FakeProbeable p = registered("c1", "h", T0);
        runTo(T0 + INTERVAL);
        assertEquals(1, p.probeStarts.size(), "the first probe, within one interval of registration");
        long firstProbe = p.probeStarts.get(0);

        long answeredAt = firstProbe + INTERVAL / 2;
        runTo(answeredAt);
        p.lastAliveNanos = answeredAt; // the application's request got its answer, and the connection went back
        runTo(firstProbe + INTERVAL + TICK);
        assertEquals(1, p.probeStarts.size(), "no probe where the application's round trip just proved it alive");
        assertEquals(1, core.skippedProbes());

        runTo(answeredAt + INTERVAL + TICK);
        assertEquals(2, p.probeStarts.size(), "probed one interval after the answer");
        assertTrue(p.probeStarts.get(1) - answeredAt <= INTERVAL, "at " + (p.probeStarts.get(1) - answeredAt) / MS
                + " ms after the answer, interval " + INTERVAL / MS + " ms");
        runTo(p.probeStarts.get(1) + INTERVAL + TICK);
        assertEquals(3, p.probeStarts.size(), "idle again: probed every interval");
    }

    /** A sweep (evidence that the host may be gone) probes at once, even right after an answer. */
    @Test
    void aSweep_probesEvenAConnectionThatJustAnswered() {
        FakeProbeable p = registered("c1", "h", T0);
        runTo(T0 + INTERVAL);
        int before = p.probeStarts.size();
        p.lastAliveNanos = now;
        core.sweep("h", null);
        runTo(now + 2 * TICK);
        assertEquals(before + 1, p.probeStarts.size(), "swept");
        assertEquals(0, core.skippedProbes());
    }

    /**
     * A sweep that finds the connection leased stays a sweep: once the lease ends (with an answer to the
     * application), the connection is probed at once, not an interval after the answer.
     */
    @Test
    void aSweepThatMeetsALease_stillProbesOnceTheLeaseEnds_evenAfterAnAnswer() {
        FakeProbeable p = registered("c1", "h", T0);
        runTo(T0 + INTERVAL);
        int before = p.probeStarts.size();
        p.leased = true;
        core.sweep("h", null);
        runTo(now + 2 * TICK);
        assertEquals(before, p.probeStarts.size(), "leased: not probed");
        p.leased = false;
        p.lastAliveNanos = now; // the lease ended with an answer
        runTo(now + INTERVAL / 4 + 2 * TICK);
        assertEquals(before + 1, p.probeStarts.size(), "the sweep probed it once it was idle again");
        assertEquals(0, core.skippedProbes());
    }
}
