package io.github.jdbcliveness.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.jdbcliveness.soak.Violation.Invariant;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict on made-up records: what each fault permits, and what it does not. */
class SoakCheckerTest {

    private static final long S = 1_000_000_000L;
    private static final long B = 6 * S;

    private static Injected fault(FaultKind kind, long start, long end) {
        return new Injected(new Episode(kind, Duration.ofNanos(start), Duration.ofNanos(end - start), Duration.ZERO,
                Duration.ZERO), start, start, end, 0, 0);
    }

    private static RequestRecord ok(RequestKind kind, long start, long end, long expected) {
        return new RequestRecord(kind, start, end, expected, false, null);
    }

    private static RequestRecord failed(long start, long end) {
        return new RequestRecord(RequestKind.SHORT, start, end, 0, false, "SQLException: broken");
    }

    private static List<Invariant> broken(List<Injected> faults, RequestRecord... records) {
        return new SoakChecker(B, faults).judge("jdbc-liveness", List.of(records), List.of()).violations().stream()
                .map(Violation::invariant).toList();
    }

    @Test
    void aFailureWithNoFaultInForce_isHealthyWorkKilled() {
        assertEquals(List.of(Invariant.HEALTHY_KILLED), broken(List.of(fault(FaultKind.DEAD_PATH, 10 * S, 20 * S)),
                failed(40 * S, 40 * S + 1000)));
    }

    @Test
    void aFailureUnderADeadPath_orWithinBAfterItsHeal_isPermitted() {
        List<Injected> f = List.of(fault(FaultKind.DEAD_PATH, 10 * S, 20 * S));
        assertEquals(List.of(), broken(f, failed(9 * S, 12 * S), failed(25 * S, 25 * S + 1000)));
        assertEquals(List.of(Invariant.HEALTHY_KILLED), broken(f, failed(27 * S, 27 * S + 1000)));
    }

    @Test
    void aFailureUnderASlowLinkOrAStall_isHealthyWorkKilled() {
        assertEquals(List.of(Invariant.HEALTHY_KILLED), broken(List.of(fault(FaultKind.SLOW_LINK, 10 * S, 20 * S)),
                failed(12 * S, 19 * S)));
        assertEquals(List.of(Invariant.HEALTHY_KILLED), broken(List.of(fault(FaultKind.CLIENT_STALL, 10 * S, 12 * S)),
                failed(9 * S, 13 * S)));
    }

    @Test
    void anInterruptedFailure_isTheApplicationsDoing() {
        assertEquals(List.of(), broken(List.of(), new RequestRecord(RequestKind.LONG, S, 2 * S, 3 * S, true,
                "SQLException: interrupted")));
    }

    @Test
    void aFailureSoonAfterSessionsEnded_isPermitted_butLaterTheBorrowerGotAClosedConnection() {
        List<Injected> f = List.of(fault(FaultKind.SESSIONS_ENDED, 10 * S, 10 * S));
        assertEquals(List.of(), broken(f, failed(9 * S, 10 * S + 1000), failed(10 * S + 150_000_000L,
                10 * S + 160_000_000L)));
        assertEquals(List.of(Invariant.HANDED_CLOSED), broken(f, failed(10 * S + 300_000_000L, 10 * S + 310_000_000L)));
    }

    @Test
    void aRequestThatWaitsPastBOnAHungServer_breaksInvariant3_whetherItFailsOrNot() {
        List<Injected> f = List.of(fault(FaultKind.HUNG_SERVER, 10 * S, 25 * S));
        assertEquals(List.of(Invariant.WAITED_PAST_B), broken(f, ok(RequestKind.SHORT, 9 * S, 25 * S, 0)));
        assertEquals(List.of(), broken(f, failed(9 * S, 16 * S)), "ended B + 1 s after the fault met it");
        assertEquals(List.of(), broken(f, ok(RequestKind.LONG, 5 * S, 20 * S, 15 * S)),
                "no longer than it takes by itself");
    }

    @Test
    void aFaultHealedBeforeB_mayBeWaitedOut_butTheRequestMustEndWithinBOfTheHeal() {
        List<Injected> f = List.of(fault(FaultKind.HUNG_PROXY, 10 * S, 15 * S));
        assertEquals(List.of(), broken(f, ok(RequestKind.SHORT, 10 * S, 15 * S + 100, 0)));
        assertEquals(List.of(Invariant.WAITED_PAST_B), broken(f, ok(RequestKind.SHORT, 10 * S, 22 * S + 100, 0)));
    }

    @Test
    void aWait_isCountedFromWhenTheFaultWasInForce() {
        Injected late = new Injected(new Episode(FaultKind.HUNG_SERVER, Duration.ofSeconds(10), Duration.ofSeconds(15),
                Duration.ZERO, Duration.ZERO), 10 * S, 12 * S, 25 * S, 0, 0);
        assertEquals(List.of(), broken(List.of(late), failed(9 * S, 18 * S + 500_000_000L)),
                "6.5 s after the server was stopped, though 8.5 s after it was asked for");
    }

    @Test
    void aStallOnTop_isNotCountedAsWaiting() {
        Injected hung = new Injected(new Episode(FaultKind.DEAD_PATH, Duration.ofSeconds(10), Duration.ofSeconds(15),
                Duration.ofSeconds(1), Duration.ofSeconds(2)), 10 * S, 10 * S, 25 * S, 11 * S, 13 * S);
        assertEquals(List.of(), broken(List.of(hung), failed(10 * S, 18 * S)));
        assertEquals(List.of(Invariant.WAITED_PAST_B), broken(List.of(hung), failed(10 * S, 19 * S + 1000)));
    }

    @Test
    void aLongQueryOnAHealthyFlow_whileOneFlowIsDropped_isNotHeldToB() {
        assertEquals(List.of(), broken(List.of(fault(FaultKind.ONE_FLOW, 10 * S, 25 * S)),
                ok(RequestKind.LONG, 11 * S, 20 * S, 9 * S)));
    }

    @Test
    void recoveries_deadLeft_lateRefill_andEvictionsInQuiet_areViolations() {
        List<Injected> f = List.of(fault(FaultKind.RESET, 10 * S, 10 * S), fault(FaultKind.RESET, 30 * S, 30 * S),
                fault(FaultKind.RESET, 50 * S, 50 * S));
        List<Recovery> r = List.of(new Recovery(2 * S, 1, 0), new Recovery(-1, 0, 0), new Recovery(S, 0, 2));
        assertEquals(List.of(Invariant.DEAD_LEFT, Invariant.NOT_REFILLED, Invariant.HEALTHY_EVICTED),
                new SoakChecker(B, f).judge("x", List.of(), r).violations().stream().map(Violation::invariant)
                        .toList());
    }

    @Test
    void theWaitOnAFault_isUntilTheFailure_orBeyondTheRequestsOwnLength() {
        SoakChecker c = new SoakChecker(B, List.of(fault(FaultKind.DEAD_PATH, 10 * S, 20 * S)));
        assertEquals(4 * S, c.waitOnDeadOrHung(failed(9 * S, 14 * S)));
        assertEquals(0, c.waitOnDeadOrHung(ok(RequestKind.LONG, 20 * S, 28 * S, 8 * S)), "begun as it healed");
        assertEquals(11 * S, c.waitOnDeadOrHung(ok(RequestKind.SHORT, 10 * S, 21 * S, 0)));
    }
}
