package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 60 s statement is in flight and acknowledged when its flow is blackholed by nft (B = 6 s: keepalive 2 / 1 / 3):
 * with the keepalive layer the driver throws within idle + count × interval + 2 s = 7 s; a plain HikariCP pool is
 * still waiting at that moment.
 */
class InFlightDrillIT {

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("io.github.jdbcliveness.drill.Drills#serversAndDrivers")
    void inFlightStatement_onBlackholedFlow_failsWithinKeepaliveTime_whilePlainPoolWaits(DatabaseTarget.Kind kind,
            String driver) throws Exception {
        Drills.requireKernelFaults();
        InFlightDrill.Report report = InFlightDrill.run(DatabaseTargets.resolve(kind), driver, Duration.ofSeconds(6));
        System.out.println(report.format());

        Duration limit = report.keepalive().detectionTime().plusSeconds(2);
        assertTrue(report.applied().asRequested(), report.applied().toString());
        assertTrue(report.layered().detected(), "with keepalive the driver must throw within " + limit);
        assertTrue(report.layered().failedAfterFault().compareTo(limit) <= 0,
                "failed after " + report.layered().failedAfterFault() + ", limit " + limit);
        assertNotNull(report.layered().error());
        assertFalse(report.plain().detected(), "the plain pool must still be waiting at " + limit + ": "
                + report.plain());
    }
}
