package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D2 (every existing flow dropped under traffic) and D5 in flight (the host down for 2 × B under traffic), with
 * plain HikariCP in the same run. B = 6 s.
 */
class TrafficUnderFaultIT {

    private static final Duration B = Duration.ofSeconds(6);

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void flowsDroppedUnderTraffic_noRequestHangs_andWeBeatPlainHikari(DatabaseTarget.Kind kind, String driver)
            throws Exception {
        Drills.requireKernelFaults();
        TrafficDrill.Report report = TrafficDrill.run(DatabaseTargets.resolve(kind), driver, B,
                TrafficDrill.Fault.FLOWS);
        System.out.println(report.format());
        TrafficDrill.Row plain = report.row(TrafficDrill.PLAIN);
        TrafficDrill.Row ours = report.row(TrafficDrill.LIVENESS);
        TrafficDrill.Row validating = report.row(TrafficDrill.VALIDATING);
        for (TrafficDrill.Row r : new TrafficDrill.Row[] {ours, validating}) {
            assertEquals(0, r.hung(), "no request may take longer than B: " + r);
            assertTrue(r.max().compareTo(B) <= 0, r.toString());
            assertEquals(TrafficDrill.POOL, r.poolAtEnd(), "back to full strength: " + r);
            assertEquals(0, r.knownDeadAtEnd(), "every dead connection gone: " + r);
        }
        assertTrue(ours.max().compareTo(plain.max()) < 0, "max latency: ours " + ours + ", plain " + plain);
        assertTrue(ours.hung() < plain.hung(), "requests over B: ours " + ours + ", plain " + plain);
        assertTrue(ours.failed() + ours.hung() <= plain.failed() + plain.hung(),
                "failed or hung: ours " + ours + ", plain " + plain);
        assertEquals(validating.failedInFlight(), validating.failed(),
                "validating on borrow, only requests already started at the fault may fail: " + validating);
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void hostDownUnderTraffic_noRequestHangsLongerThanBudget_andThePoolRefills(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        Drills.requireKernelFaults();
        TrafficDrill.Report report = TrafficDrill.run(DatabaseTargets.resolve(kind), driver, B,
                TrafficDrill.Fault.HOST);
        System.out.println(report.format());
        for (String label : new String[] {TrafficDrill.LIVENESS, TrafficDrill.VALIDATING}) {
            TrafficDrill.Row r = report.row(label);
            assertEquals(0, r.hung(), "no request may take longer than B: " + r);
            assertEquals(TrafficDrill.POOL, r.poolAtEnd(), "full again within B after the heal: " + r);
            assertEquals(0, r.knownDeadAtEnd(), r.toString());
        }
    }
}
