package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.audit.Audit;
import io.github.jdbcliveness.audit.AuditTable;
import io.github.jdbcliveness.audit.AuditText;
import io.github.jdbcliveness.audit.Cell;
import io.github.jdbcliveness.audit.Mode;
import io.github.jdbcliveness.audit.Mode.State;
import io.github.jdbcliveness.audit.PoolSettings;
import io.github.jdbcliveness.audit.Row;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit never promises what the drills cannot show: audit the embedded PostgreSQL at B = 6 s, run the drill of
 * each mode that can run here, and check that what was measured stays within the prediction plus {@link #MARGIN}
 * (scheduling on two busy cores and the fault's own latency), and that where the audit says plain HikariCP misses
 * the budget, the drill saw it miss.
 */
class AuditAgreesWithDrillsIT {

    static final Duration B = Duration.ofSeconds(6);
    /** What a measurement may exceed its prediction by. */
    static final Duration MARGIN = Duration.ofSeconds(1);

    static DatabaseTarget target;
    static AuditTable audit;

    @BeforeAll
    static void auditFirst() throws Exception {
        target = DatabaseTargets.postgres();
        audit = Audit.run(target.jdbcUrl("postgresql"), target.credentials(),
                LivenessConfig.builder().detectionBudget(B).build(), PoolSettings.defaults(target.jdbcUrl("postgresql")));
        System.out.println(AuditText.format(audit));
        assertEquals(0, audit.exitCode(), "jdbc-liveness's derived settings must pass the gate here");
        assertTrue(audit.inputs().applied().orElseThrow().asRequested(), "the tuned socket carries what was asked");
    }

    private static Duration predicted(Cell c) {
        return c.after().orElseThrow(() -> new AssertionError("no prediction: " + c));
    }

    private static void within(Duration measured, Cell prediction, String what) {
        Duration bound = predicted(prediction).plus(MARGIN);
        System.out.printf("AUDIT-VS-DRILL %s: measured %.2f s, predicted %.2f s (margin %d s)%n", what,
                measured.toMillis() / 1e3, predicted(prediction).toMillis() / 1e3, MARGIN.toSeconds());
        assertTrue(measured.compareTo(bound) <= 0, what + ": measured " + measured + " > predicted "
                + predicted(prediction) + " + " + MARGIN);
    }

    @Test
    void inFlight_flowBlackholedWhileAwaitingTheAnswer_withinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        InFlightDrill.Report r = InFlightDrill.run(target, "postgresql", B);
        Row row = audit.row(Mode.NAT_EVICTION, State.AWAITING);
        assertTrue(r.layered().detected(), r.format());
        within(r.layered().failedAfterFault(), row.liveness(), "in-flight, jdbc-liveness");
        // the audit says plain HikariCP never notices: the drill must not have seen it notice within its watch
        assertTrue(row.plain().verdict().misses(), row.plain().toString());
        assertFalse(r.plain().detected(), r.format());
    }

    @Test
    void idleFlowsDropped_evictedWithinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        IdleDrill.Report r = IdleDrill.run(target, B);
        Row row = audit.row(Mode.NAT_EVICTION, State.IDLE);
        assertEquals(10, r.liveness().evictedWithinBudget(), r.format());
        within(r.liveness().lastEviction(), row.liveness(), "idle flows dropped, jdbc-liveness, last eviction");
        assertTrue(row.plain().verdict().misses(), row.plain().toString());
        assertEquals(0, r.plain().evictedWithinBudget(), r.format());
    }

    /**
     * The drill runs jdbc-liveness with a tighter watchdog and probe timeout than the derived ones (see
     * TrafficDrill), so it can only come out faster than the prediction for the derived settings: the check here is
     * that it does not come out slower.
     */
    @Test
    void hungServer_requestsEndWithinThePrediction() throws Exception {
        TrafficDrill.Report r = TrafficDrill.run(target, "postgresql", B, TrafficDrill.Fault.HUNG_RELAY);
        Row row = audit.row(Mode.HUNG_SERVER, State.AWAITING);
        TrafficDrill.Row liveness = r.row(TrafficDrill.LIVENESS);
        assertEquals(0, liveness.hung(), r.format());
        within(liveness.max(), row.liveness(), "hung server under traffic, jdbc-liveness, slowest request");
        assertTrue(row.plain().verdict().misses(), row.plain().toString());
        assertTrue(r.row(TrafficDrill.PLAIN).hung() > 0, r.format());
    }
}
