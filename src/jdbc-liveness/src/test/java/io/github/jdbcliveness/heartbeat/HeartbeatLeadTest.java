package io.github.jdbcliveness.heartbeat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lead: each wakeup also starts the probes due within the next lead, so that thousands of connections cost the
 * ticker a wakeup per lead instead of one per tick. A probe may start early by up to one lead, never late; a
 * sweep is not held back by it; a passed probe's deadline leaves the wheel. On fake time, driven as
 * {@link HeartbeatScheduler} drives the core: the plan, or a lead after a wakeup that left results queued.
 */
class HeartbeatLeadTest {

    private static final long MS = 1_000_000L;
    private static final long TICK = 10 * MS;
    private static final long STALL = 200 * MS;
    private static final long MAX_LEAD = 100 * MS;
    private static final long INTERVAL = 2_000 * MS;
    private static final long TIMEOUT = 500 * MS;
    private static final long T0 = 1_000_000 * MS;
    private static final long LONG_AGO = -100 * INTERVAL;

    private final ManualExecutor probes = new ManualExecutor();
    private final RecordingEvents events = new RecordingEvents();
    private long now = T0;
    private long jitterValue;
    private final HeartbeatCore core = new HeartbeatCore(TICK, STALL, MAX_LEAD, T0, probes, probes, () -> now,
            bound -> Math.min(jitterValue, bound - 1), events);

    private FakeProbeable registered(String name, String host, long interval) {
        FakeProbeable p = new FakeProbeable(name, host, interval, TIMEOUT, T0 + LONG_AGO, () -> now, probes);
        core.register(p, now);
        return p;
    }

    /** Follows the core's plan up to {@code until}; returns the wakeups. */
    private int followPlanTo(long until) {
        int wakeups = 0;
        long wake = core.tick(now);
        wakeups++;
        while (true) {
            probes.runAll();
            long next = wake;
            long lazy = now + Math.max(TICK, core.leadNanos());
            if (core.hasCommands() && (wake == Long.MAX_VALUE || wake - lazy > 0)) {
                next = lazy;
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

    @Test
    void theLeadIsATwentiethOfTheShortestInterval_atMostTheMaximum() {
        registered("slow", "db", 60_000 * MS);
        core.tick(now);
        assertEquals(MAX_LEAD, core.leadNanos());
        registered("fast", "db", 400 * MS);
        core.tick(now);
        assertEquals(20 * MS, core.leadNanos(), "400 ms / 20");
    }

    @Test
    void probesDueWithinALead_startInOneWakeup_earlyButNeverLate() {
        // First probes are due between half an interval and an interval after registration: 1 s to 2 s.
        List<FakeProbeable> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jitterValue = i * 5 * MS; // first probes at +1.000 s, +1.005 s, ... +1.995 s
            all.add(registered("c" + i, "db", INTERVAL));
        }
        jitterValue = 0;

        int wakeups = followPlanTo(T0 + 2_100 * MS);

        for (int i = 0; i < all.size(); i++) {
            long planned = T0 + 1_000 * MS + i * 5 * MS;
            long started = all.get(i).probeStarts.get(0);
            assertTrue(started - planned <= 0, "c" + i + " started " + (started - planned) / MS + " ms late");
            assertTrue(planned - started <= MAX_LEAD + TICK, "c" + i + " started "
                    + (planned - started) / MS + " ms early, more than one lead");
        }
        // One wakeup per lead for the probes (plus the ones the registrations and results cost), not one per tick.
        assertTrue(wakeups <= 25, wakeups + " wakeups for 200 probes over 1 s; one per tick would be 100");
    }

    @Test
    void aTimeoutsSweep_startsOnTheNextTick_notALeadLater() {
        FakeProbeable a1 = registered("a1", "db", INTERVAL); // first probe at +1 s
        a1.silent = true;
        jitterValue = INTERVAL; // the other's first probe at +2 s
        FakeProbeable a2 = registered("a2", "db", INTERVAL);
        jitterValue = 0;

        followPlanTo(T0 + 1_000 * MS + TIMEOUT + TICK);

        assertEquals(1, a1.timedOut.size(), "a1 timed out at its deadline");
        assertEquals(List.of(T0 + 1_000 * MS + TIMEOUT + TICK), a2.probeStarts, "swept one tick after the timeout");
    }

    @Test
    void aPassedProbesDeadline_leavesTheWheel_soItCostsNoWakeup() {
        FakeProbeable a = registered("a", "db", INTERVAL); // first probe at +1 s, deadline +1.5 s
        followPlanTo(T0 + 1_000 * MS);
        assertEquals(1, a.passed.size());
        assertEquals(1, core.scheduled(), "the deadline, until the result is drained");

        long plan = core.tick(now + core.leadNanos()); // the wakeup that drains the result
        assertEquals(1, core.scheduled(), "the next probe; the deadline was cancelled with the result");
        assertEquals(T0 + 3_000 * MS, plan, "the next wakeup is the next probe (+3 s), not the deadline (+1.5 s)");
    }

    @Test
    void aPeriodicTask_runsUpToOneLeadEarly_neverLate() {
        registered("a", "db", INTERVAL); // sets the lead to 100 ms
        List<Long> runs = new ArrayList<>();
        core.every(1_000 * MS, () -> runs.add(now), now);

        followPlanTo(T0 + 3_050 * MS);

        assertTrue(runs.size() >= 3, "runs " + runs);
        long previous = T0;
        for (long run : runs) {
            assertTrue(run - previous <= 1_000 * MS + TICK, "a run came late: " + (run - previous) / MS + " ms");
            assertTrue(run - previous >= 1_000 * MS - MAX_LEAD - TICK, "more than a lead early: "
                    + (run - previous) / MS + " ms");
            previous = run;
        }
    }
}
