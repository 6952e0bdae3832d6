package io.github.jdbcliveness.examples;

import io.github.jdbcliveness.junit.Drill;
import io.github.jdbcliveness.junit.DrillFault;
import io.github.jdbcliveness.junit.FaultKind;
import io.github.jdbcliveness.junit.LivenessDrill;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The drill kit as a user writes it, with nothing but JUnit and an embedded PostgreSQL: each fault on the most real
 * layer this machine allows (SIGSTOP for the hung server, nft or else the relay for the dead path), the pool with
 * nothing but the budget set, traffic, and the promise in its own words. Copy it.
 */
@LivenessDrill(database = LivenessDrill.Database.POSTGRESQL, budget = "6s")
class EmbeddedPostgresDrillExampleIT {

    /** Room for a loaded 2-core machine to deliver what the budget promises. */
    private static final Duration MARGIN = Duration.ofSeconds(1);

    @Test
    void aHungServer_isNoticedWithinTheBudget_andNoRequestWaitsLonger(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.HUNG_SERVER);
        survivesAnOutageOfTwiceTheBudget(drill, fault);
    }

    @Test
    void aDeadPath_isNoticedWithinTheBudget_andThePoolIsFullAgainAfterTheHeal(Drill drill) throws Exception {
        DrillFault fault = drill.fault(FaultKind.DEAD_PATH);
        survivesAnOutageOfTwiceTheBudget(drill, fault);
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
