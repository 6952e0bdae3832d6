package io.github.jdbcliveness.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The host verdict on fake time: what asks for a check, what makes a host down, what brings it back. */
class HostHealthTest {

    private static final long S = 1_000_000_000L;
    private static final long THRESHOLD = 2 * S;

    private static HostHealth fresh() {
        return new HostHealth("db:5432", THRESHOLD, THRESHOLD, 0);
    }

    @Test
    void oneProbeWithoutAnswer_asksForACheck_butDoesNotMakeTheHostDown() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.probeUnanswered(2 * S, 3 * S), "a probe that started after the last answer got none");
        assertFalse(h.down(), "one dead flow (a NAT dropped it) is not a dead host");
        assertFalse(h.probeUnanswered(2 * S, 3 * S), "one check at a time");
        assertFalse(h.checkAnswered(3 * S + 5_000_000), "new connections work: the host is up");
        assertFalse(h.down());
    }

    @Test
    void aProbeThatStartedBeforeTheLastAnswer_asksForNothing() {
        HostHealth h = fresh();
        h.answered(5 * S);
        assertFalse(h.probeUnanswered(4 * S, 6 * S));
    }

    @Test
    void aFreshConnectionWithoutAnswer_makesTheHostDown_andRequestsWaitingSinceBefore_waitOnIt() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.probeUnanswered(2 * S, 3 * S));
        assertTrue(h.freshConnectionUnanswered(3 * S, 3 * S, "no answer within 2000 ms", true));
        assertTrue(h.down());
        long later = 4 * S; // the verdict came at 3 s; a grace of 1 s
        assertFalse(h.waitsOnDownHost(1500_000_000L, 3500_000_000L, S), "within the grace: nothing yet");
        assertTrue(h.waitsOnDownHost(1500_000_000L, later, S), "sent before the check started: waits on a dead host");
        assertFalse(h.waitsOnDownHost(4 * S, later, S), "sent after the check started: not proved yet");
        assertFalse(h.freshConnectionUnanswered(5 * S, 5 * S, "again", true), "down already");
        assertTrue(h.waitsOnDownHost(4 * S, later, S), "the later check proves it for requests sent before it");
    }

    @Test
    void aVerdictOnUnansweredHandshakes_leavesRequestsToTheKernel_untilAProbeFindsTheServerSilent() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.freshConnectionUnanswered(3 * S, 5 * S, "no SYN-ACK", true, true));
        assertTrue(h.leavesRequestsToKernel(0), "only handshakes went unanswered: the flows' own evidence decides");
        h.serverSilent(6 * S);
        assertFalse(h.leavesRequestsToKernel(0), "a probe on an acknowledged flow found the server's process silent");
        assertFalse(h.leavesRequestsToKernel(5 * S), "a byte read before that proves nothing since");
        assertTrue(h.leavesRequestsToKernel(7 * S), "a byte read on a connection after it: the server answers");
    }

    @Test
    void aVerdictAfterACompletedHandshake_abortsRequests_asForAHungServer() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.freshConnectionUnanswered(3 * S, 5 * S, "no answer after the handshake", true, false));
        assertFalse(h.leavesRequestsToKernel(0));
        HostHealth up = fresh();
        assertFalse(up.leavesRequestsToKernel(0), "no verdict: nothing to leave");
    }

    @Test
    void aFreshConnectionThatStartedBeforeAnAnswer_provesNothing() {
        HostHealth h = fresh();
        h.answered(5 * S);
        assertFalse(h.freshConnectionUnanswered(4 * S, 4 * S, "slow connect", false));
        assertFalse(h.down());
    }

    @Test
    void anyAnswer_readmitsTheHost() {
        HostHealth h = fresh();
        assertTrue(h.freshConnectionUnanswered(1 * S, 1 * S, "refused", false));
        assertTrue(h.answered(3 * S));
        assertFalse(h.down());
        assertNull(h.evidence());
        assertFalse(h.waitsOnDownHost(0, 10 * S, 0));
    }

    @Test
    void aRequestWaitingPastTheThreshold_whileTheHostIsSilentAsLong_asksForACheck_aLongQueryWithAnswersAroundDoesNot() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertFalse(h.requestWaiting(1 * S, 2 * S), "not past the threshold yet");
        h.answered(2500_000_000L); // the heartbeat's probes on idle connections keep answering
        assertFalse(h.requestWaiting(0, 4 * S), "the host answers: a long query, not a hung server");
        assertTrue(h.requestWaiting(0, 5 * S), "silent for the threshold, and the request waits as long");
    }

    @Test
    void aHostThatIsDown_isRecheckedEveryInterval_oneCheckAtATime() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.probeUnanswered(2 * S, 2 * S));
        assertTrue(h.freshConnectionUnanswered(2 * S, 2 * S, "no answer", true));
        assertFalse(h.recheckDue(3 * S), "the last check started 1 s ago");
        assertTrue(h.recheckDue(4 * S));
        assertFalse(h.recheckDue(7 * S), "that check is still running");
        assertFalse(h.freshConnectionUnanswered(4 * S, 4 * S, "no answer", true));
        assertTrue(h.recheckDue(7 * S));
        assertFalse(fresh().recheckDue(10 * S), "a host that is up needs no recheck");
    }

    @Test
    void anAnswerAMomentLate_takesTheVerdictBack_beforeItTakesEffect() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.freshConnectionUnanswered(2 * S, 4 * S, "no answer within 2000 ms", true));
        long grace = S / 2;
        assertFalse(h.confirmed(4 * S + S / 10, grace), "a busy server may answer a few ms late");
        assertTrue(h.answered(4 * S + S / 100), "the check's connect completed 10 ms after its deadline");
        assertFalse(h.confirmed(5 * S, grace));
        assertFalse(h.waitsOnDownHost(1 * S, 5 * S, grace), "no request is aborted for a verdict taken back");
    }

    private static final long RTT = 1_000_000L;

    @Test
    void halfOpen_whileThePathIsSilent_aBorrowerPerRoundTripTries_andTheFirstAnswerReadmits() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertFalse(h.claimTrial(2 * S, RTT), "up: nothing to try");
        assertTrue(h.freshConnectionUnanswered(2 * S, 4 * S, "connect timed out", false, true));
        long t = 5 * S;
        assertTrue(h.claimTrial(t, RTT), "down, and not even a handshake answered: a borrower may try");
        assertFalse(h.claimTrial(t + RTT / 2, RTT), "within a round trip of the last trial: fail at once, as before");
        assertTrue(h.claimTrial(t + RTT, RTT), "a round trip later the first SYN is most likely lost: try again");
        h.trialEnded();
        h.trialEnded(); // neither got an answer: the blackhole is still there
        assertTrue(h.down());
        assertTrue(h.claimTrial(t + RTT + 1, RTT), "none running: the next borrower tries at once");
        assertTrue(h.answered(t + 2 * RTT), "its handshake completed: the first answer re-admits the host");
        h.trialEnded();
        assertFalse(h.down());
        assertFalse(h.claimTrial(t + 3 * RTT, RTT), "up again: nothing to try");
        assertEquals(3, h.trials());
    }

    @Test
    void halfOpen_onFakeTimeAcrossTheWrap() {
        HostHealth h = new HostHealth("db:5432", THRESHOLD, THRESHOLD, Long.MAX_VALUE - 10 * S);
        assertTrue(h.freshConnectionUnanswered(Long.MAX_VALUE - 5 * S, Long.MAX_VALUE - 3 * S, "connect timed out",
                false, true));
        long t = Long.MAX_VALUE - RTT / 2;
        assertTrue(h.claimTrial(t, RTT));
        assertFalse(h.claimTrial(t + RTT / 4, RTT), "the clock wrapped past Long.MAX_VALUE: within the round trip");
        assertTrue(h.claimTrial(t + RTT, RTT));
    }

    @Test
    void halfOpen_neverForAHungServer_whoseKernelStillCompletesHandshakes() {
        HostHealth h = fresh();
        h.answered(1 * S);
        assertTrue(h.freshConnectionUnanswered(2 * S, 4 * S, "no answer within 2000 ms", true, false));
        assertFalse(h.claimTrial(5 * S, RTT), "the handshake completed, the server said nothing: it proves nothing");

        HostHealth later = fresh();
        later.answered(1 * S);
        assertTrue(later.freshConnectionUnanswered(2 * S, 4 * S, "connect timed out", false, true));
        assertFalse(later.freshConnectionUnanswered(5 * S, 7 * S, "no answer within 2000 ms", true, false));
        assertFalse(later.claimTrial(8 * S, RTT), "a handshake completed while down: the server hangs, not the path");
        assertTrue(later.down());
    }

    @Test
    void halfOpen_aVerdictReachedAgainAfterReadmission_startsFromItsOwnEvidence() {
        HostHealth h = fresh();
        h.answered(1 * S);
        h.freshConnectionUnanswered(2 * S, 4 * S, "connect timed out", false, true);
        h.answered(5 * S);
        assertTrue(h.freshConnectionUnanswered(6 * S, 8 * S, "no answer within 2000 ms", true, false));
        assertFalse(h.claimTrial(9 * S, RTT), "this verdict is a hung server's");
    }

    @Test
    void bytesReadOnAnyConnection_afterASilentConnectStarted_keepTheVerdictAway() {
        HostHealth h = fresh();
        h.answered(1 * S);
        h.heard(3 * S); // a leased connection read its answer at 3 s
        assertFalse(h.freshConnectionUnanswered(2 * S, 4 * S, "connect timed out", false, true),
                "the host answered the application after this connect started");
        assertFalse(h.down());
        h.heard(2 * S); // an older read changes nothing
        assertTrue(h.freshConnectionUnanswered(3500_000_000L, 5 * S, "connect timed out", false, true));
    }
}
