package io.github.jdbcliveness.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kit where nothing but the JVM is allowed (no root, no Docker): every fault demanded on the userspace relay,
 * against the embedded PostgreSQL. The report says which layer made the fault and what it cannot show.
 */
class RelayLayerDrillIT {

    private static final Duration MARGIN = Duration.ofSeconds(1);

    @RegisterExtension
    static LivenessDrillExtension drills = LivenessDrillExtension.builder().postgresql()
            .budget(Duration.ofSeconds(6)).layer(FaultLayer.RELAY).build();

    @Test
    void aHungProxy_frozenRelay_isNoticedWithinTheBudget(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.HUNG_SERVER);
        assertEquals(FaultLayer.RELAY, fault.layer());
        survivesAnOutageOfTwiceTheBudget(drill, fault);
        assertTrue(drill.report().contains("cannot see it"), drill.report());
    }

    @Test
    void aBlackholedRelay_isNoticedWithinTheBudget(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.DEAD_PATH);
        survivesAnOutageOfTwiceTheBudget(drill, fault);
    }

    @Test
    void aResettingRelay_costsAtMostTheRequestsInFlight(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.CRASH);
        drill.pool(5);
        drill.traffic(4);
        fault.inject();
        fault.heal(); // a restart that is over at once: every old connection is gone, new ones work
        drill.assertNoticedWithin(drill.budget());
        drill.assertPoolFullWithin(drill.budget());
        fault.keepFor(Duration.ofSeconds(3)); // traffic goes on after the heal
        drill.assertFailedAtMost(5); // at most one request per connection the reset ended (one in flight each)
        drill.assertEveryRequestEndedWithin(Duration.ofSeconds(1));
    }

    /**
     * The promise for one outage: a pool of 5 under traffic of 4 threads notices the fault within B, no request
     * waits longer than B (plus a margin), and after 2 × B of outage and the heal the pool is full again within B.
     */
    private static void survivesAnOutageOfTwiceTheBudget(Drill drill, DrillFault fault) throws Exception {
        drill.pool(5);
        drill.traffic(4);

        fault.inject();
        drill.assertNoticedWithin(drill.budget());
        fault.keepFor(drill.budget().multipliedBy(2));
        drill.assertEveryRequestEndedWithin(drill.budget().plus(MARGIN));
        fault.heal();
        drill.assertPoolFullWithin(drill.budget());
    }
}
