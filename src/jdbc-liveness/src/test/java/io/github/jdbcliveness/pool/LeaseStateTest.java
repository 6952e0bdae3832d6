package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.pool.LeaseState.IllegalStateTransitionException;
import io.github.jdbcliveness.pool.LeaseState.State;
import io.github.jdbcliveness.pool.LeaseState.Transition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class LeaseStateTest {

    /** The transition table, written out again here so a change to the production table has to be deliberate. */
    private static final Map<Transition, Set<State>> LEGAL_FROM = Map.ofEntries(
            Map.entry(Transition.PROBE_FROM_IDLE, EnumSet.of(State.IDLE)),
            Map.entry(Transition.QUEUE_PROBE, EnumSet.of(State.IDLE)),
            Map.entry(Transition.START_PROBE, EnumSet.of(State.QUEUED)),
            Map.entry(Transition.CANCEL_PROBE, EnumSet.of(State.QUEUED)),
            Map.entry(Transition.PASS_PROBE, EnumSet.of(State.PROBING)),
            Map.entry(Transition.FAIL_PROBE, EnumSet.of(State.PROBING, State.QUEUED)),
            Map.entry(Transition.LEASE, EnumSet.of(State.IDLE)),
            Map.entry(Transition.RELEASE, EnumSet.of(State.LEASED)),
            Map.entry(Transition.READY, EnumSet.of(State.SETUP)),
            Map.entry(Transition.MARK_DEAD, EnumSet.of(State.IDLE, State.QUEUED, State.PROBING, State.LEASED,
                    State.SETUP)),
            Map.entry(Transition.CLOSE, EnumSet.of(State.IDLE, State.QUEUED, State.PROBING, State.LEASED,
                    State.DEAD, State.SETUP)));

    private static final Map<Transition, State> TARGET = Map.ofEntries(
            Map.entry(Transition.PROBE_FROM_IDLE, State.PROBING),
            Map.entry(Transition.QUEUE_PROBE, State.QUEUED),
            Map.entry(Transition.START_PROBE, State.PROBING),
            Map.entry(Transition.CANCEL_PROBE, State.IDLE),
            Map.entry(Transition.PASS_PROBE, State.IDLE),
            Map.entry(Transition.FAIL_PROBE, State.DEAD),
            Map.entry(Transition.LEASE, State.LEASED),
            Map.entry(Transition.RELEASE, State.IDLE),
            Map.entry(Transition.READY, State.IDLE),
            Map.entry(Transition.MARK_DEAD, State.DEAD),
            Map.entry(Transition.CLOSE, State.CLOSED));

    private static final Set<Transition> OPENS_EPOCH = EnumSet.of(Transition.PROBE_FROM_IDLE, Transition.QUEUE_PROBE,
            Transition.LEASE);

    /** A fresh LeaseState brought into {@code s} through its public moves only. */
    private static LeaseState in(State s) {
        LeaseState ls = s == State.SETUP ? LeaseState.inSetup() : new LeaseState();
        switch (s) {
            case IDLE, SETUP -> { }
            case QUEUED -> assertTrue(ls.tryQueueProbe() >= 0);
            case PROBING -> assertTrue(ls.tryProbe() >= 0);
            case LEASED -> assertTrue(ls.tryLease() >= 0);
            case DEAD -> assertTrue(ls.markDead());
            case CLOSED -> assertEquals(State.IDLE, ls.close());
            default -> throw new AssertionError(s);
        }
        assertEquals(s, ls.state());
        return ls;
    }

    static Stream<Arguments> legalMoves() {
        List<Arguments> moves = new ArrayList<>();
        LEGAL_FROM.forEach((t, froms) -> froms.forEach(s -> moves.add(Arguments.of(t, s))));
        return moves.stream();
    }

    static Stream<Arguments> illegalMoves() {
        List<Arguments> moves = new ArrayList<>();
        for (Transition t : Transition.values()) {
            for (State s : EnumSet.complementOf(EnumSet.copyOf(LEGAL_FROM.get(t)))) {
                moves.add(Arguments.of(t, s));
            }
        }
        return moves.stream();
    }

    @Test
    void table_coversEveryTransition() {
        assertEquals(EnumSet.allOf(Transition.class), LEGAL_FROM.keySet());
        assertEquals(EnumSet.allOf(Transition.class), TARGET.keySet());
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("legalMoves")
    void apply_legalTransition_movesToItsTarget_andOpensAnEpochOnlyForLeaseAndProbe(Transition t, State from) {
        LeaseState ls = in(from);
        long before = ls.word();

        long after = ls.apply(t, before);

        assertEquals(after, ls.word());
        assertEquals(TARGET.get(t), LeaseState.state(after));
        assertEquals(LeaseState.epoch(before) + (OPENS_EPOCH.contains(t) ? 1 : 0), LeaseState.epoch(after));
    }

    @ParameterizedTest(name = "{0} from {1}")
    @MethodSource("illegalMoves")
    void apply_illegalTransition_throws_namingTransitionAndState_andLeavesTheWord(Transition t, State from) {
        LeaseState ls = in(from);
        long before = ls.word();

        IllegalStateTransitionException e = assertThrows(IllegalStateTransitionException.class,
                () -> ls.apply(t, before));

        assertTrue(e.getMessage().contains(t.name()), e.getMessage());
        assertTrue(e.getMessage().contains(from.name()), e.getMessage());
        assertEquals(before, ls.word());
    }

    @Test
    void apply_withStaleExpectedWord_returnsMinusOne_andChangesNothing() {
        LeaseState ls = new LeaseState();
        long idle = ls.word();
        long lease = ls.tryLease();
        assertTrue(ls.release(lease));

        long now = ls.word();
        assertEquals(-1, ls.apply(Transition.LEASE, idle), "an old IDLE word must not win the CAS");
        assertEquals(now, ls.word());
    }

    @Test
    void epoch_growsWithEveryLeaseAndProbe() {
        LeaseState ls = new LeaseState();
        long e0 = LeaseState.epoch(ls.word());
        long lease = ls.tryLease();
        assertEquals(e0 + 1, LeaseState.epoch(lease));
        assertTrue(ls.release(lease));
        assertEquals(e0 + 1, LeaseState.epoch(ls.word()));
        long probe = ls.tryProbe();
        assertEquals(e0 + 2, LeaseState.epoch(probe));
        assertTrue(ls.passProbe(probe));
        assertEquals(e0 + 3, LeaseState.epoch(ls.tryLease()));
    }

    @Test
    void markDeadIfLease_killsOnlyTheLeaseTheEvidenceWasGatheredOn() {
        LeaseState ls = new LeaseState();
        long first = ls.tryLease();
        assertTrue(ls.release(first));
        long second = ls.tryLease();
        assertFalse(ls.markDeadIfLease(LeaseState.epoch(first)), "evidence from an ended lease killed the next one");
        assertEquals(State.LEASED, ls.state());
        assertTrue(ls.markDeadIfLease(LeaseState.epoch(second)));
        assertEquals(State.DEAD, ls.state());
        assertFalse(ls.markDeadIfLease(LeaseState.epoch(second)), "dead already");
    }

    @Test
    void release_withStaleLeaseWord_doesNothing_toALaterLease() {
        LeaseState ls = new LeaseState();
        long first = ls.tryLease();
        assertTrue(ls.release(first));
        long second = ls.tryLease();

        assertFalse(ls.release(first), "a late return released someone else's lease");

        assertEquals(second, ls.word());
        assertEquals(State.LEASED, ls.state());
        assertTrue(ls.release(second));
    }

    @Test
    void release_withStaleLeaseWord_doesNothing_toALaterProbe() {
        LeaseState ls = new LeaseState();
        long lease = ls.tryLease();
        assertTrue(ls.release(lease));
        long probe = ls.tryProbe();

        assertFalse(ls.release(lease));

        assertEquals(probe, ls.word());
    }

    @Test
    void release_twice_secondDoesNothing() {
        LeaseState ls = new LeaseState();
        long lease = ls.tryLease();
        assertTrue(ls.release(lease));
        long idle = ls.word();

        assertFalse(ls.release(lease));
        assertEquals(idle, ls.word());
    }

    @Test
    void release_ofAWordThatIsNoLease_throws_namingReleaseAndTheState() {
        LeaseState ls = new LeaseState();
        long probe = ls.tryProbe();

        IllegalStateTransitionException e = assertThrows(IllegalStateTransitionException.class,
                () -> ls.release(probe));

        assertTrue(e.getMessage().contains("RELEASE") && e.getMessage().contains("PROBING"), e.getMessage());
        assertEquals(probe, ls.word());
    }

    @Test
    void passProbe_withStaleProbeWord_doesNothing_toALaterProbeOrLease() {
        LeaseState ls = new LeaseState();
        long oldProbe = ls.tryProbe();
        assertTrue(ls.passProbe(oldProbe));
        long newProbe = ls.tryProbe();

        assertFalse(ls.passProbe(oldProbe), "a late probe result ended a later probe");
        assertFalse(ls.failProbe(oldProbe), "a late probe failure killed a later probe");
        assertEquals(newProbe, ls.word());

        assertTrue(ls.passProbe(newProbe));
        long lease = ls.tryLease();
        assertFalse(ls.passProbe(oldProbe));
        assertFalse(ls.passProbe(newProbe));
        assertEquals(lease, ls.word());
    }

    @Test
    void failProbe_ownProbe_marksDead_andNothingLeasesItAgain() {
        LeaseState ls = new LeaseState();
        long probe = ls.tryProbe();

        assertTrue(ls.failProbe(probe));

        assertEquals(State.DEAD, ls.state());
        assertEquals(State.DEAD, LeaseState.refused(ls.tryLease()));
        assertEquals(-1, ls.tryProbe());
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"PROBING", "LEASED", "DEAD", "CLOSED", "QUEUED", "SETUP"})
    void tryLease_onANonIdleConnection_isRefused_withTheStateDecodable(State s) {
        LeaseState ls = in(s);
        long before = ls.word();

        long r = ls.tryLease();

        assertTrue(r < 0, "leased from " + s);
        assertEquals(s, LeaseState.refused(r));
        assertEquals(before, ls.word());
    }

    @ParameterizedTest
    @EnumSource(value = State.class, names = {"PROBING", "LEASED", "DEAD", "CLOSED", "QUEUED", "SETUP"})
    void tryProbe_onANonIdleConnection_returnsMinusOne(State s) {
        LeaseState ls = in(s);
        long before = ls.word();

        assertEquals(-1, ls.tryProbe());
        assertEquals(before, ls.word());
    }

    @Test
    void queuedProbe_startedByItsThread_ownsTheConnection_andPassesWithTheStartedWord() {
        LeaseState ls = new LeaseState();
        long queued = ls.tryQueueProbe();

        assertTrue(ls.startQueued(queued));

        assertEquals(LeaseState.started(queued), ls.word());
        assertFalse(ls.cancelQueued(queued), "a borrower took back a probe that had started");
        assertTrue(ls.passProbe(LeaseState.started(queued)));
        assertEquals(State.IDLE, ls.state());
    }

    @Test
    void queuedProbe_takenBackByABorrower_neverStarts() {
        LeaseState ls = new LeaseState();
        long queued = ls.tryQueueProbe();

        assertTrue(ls.cancelQueued(queued));

        assertFalse(ls.startQueued(queued), "a cancelled probe started on a connection handed back");
        assertTrue(ls.tryLease() >= 0);
    }

    @Test
    void setup_isNeitherProbedNorLeased_untilReady() {
        LeaseState ls = LeaseState.inSetup();
        assertEquals(-1, ls.tryProbe());
        assertEquals(-1, ls.tryQueueProbe());
        assertEquals(State.SETUP, LeaseState.refused(ls.tryLease()));

        assertTrue(ls.ready());

        assertFalse(ls.ready());
        assertTrue(ls.tryQueueProbe() >= 0);
    }

    @Test
    void refused_decodesEvenAfterManyEpochs() {
        LeaseState ls = new LeaseState();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(ls.release(ls.tryLease()));
        }
        ls.tryProbe();

        assertEquals(State.PROBING, LeaseState.refused(ls.tryLease()));
    }

    @Test
    void borrowerRecord_saysLive_untilTheLeaseIsTakenFromIt_andForgetsItAtEndLease() {
        LeaseState s = new LeaseState();
        assertEquals(LeaseState.Lease.NOT_BEGUN, s.lease());
        long lease = s.tryLease();
        s.leased(lease);
        assertEquals(LeaseState.Lease.LIVE, s.lease());
        assertTrue(s.markDeadIfLease(LeaseState.epoch(lease)));
        assertEquals(LeaseState.Lease.REFUSED, s.lease(), "found dead since it was leased");
        assertEquals(0, s.refusedAfterNanos());
        assertEquals(lease, s.endLease());
        assertEquals(LeaseState.Lease.NOT_BEGUN, s.lease());
        assertEquals(-1, s.endLease());
    }

    @Test
    void borrowerRecord_refused_keepsHowLongTheRefusalTook_untilEndLease() {
        LeaseState s = new LeaseState();
        s.markDead();
        s.refusedAfter(1234);
        assertEquals(LeaseState.Lease.REFUSED, s.lease());
        assertEquals(1234, s.refusedAfterNanos());
        assertEquals(-1, s.endLease(), "a refused borrower holds no lease to release");
        assertEquals(LeaseState.Lease.NOT_BEGUN, s.lease());
    }

    @Test
    void markDead_fromLiveStates_thenFalseOnceDeadOrClosed() {
        for (State s : EnumSet.of(State.IDLE, State.QUEUED, State.PROBING, State.LEASED, State.SETUP)) {
            LeaseState ls = in(s);
            assertTrue(ls.markDead(), "from " + s);
            assertEquals(State.DEAD, ls.state());
            assertFalse(ls.markDead());
        }
        assertFalse(in(State.CLOSED).markDead());
        assertEquals(State.CLOSED, in(State.CLOSED).state());
    }

    @Test
    void close_returnsThePreviousState_thenNullOnceClosed() {
        for (State s : EnumSet.of(State.IDLE, State.PROBING, State.LEASED, State.DEAD)) {
            LeaseState ls = in(s);
            assertEquals(s, ls.close());
            assertEquals(State.CLOSED, ls.state());
            assertNull(ls.close());
        }
    }

    /**
     * Probers and borrowers race on one word. Each side checks, inside what it holds, that it is alone: a lease and
     * a probe at once would push {@code holders} to two. Bounded by a count, not by time: each thread retries until
     * it has held the connection {@code holdsPerThread} times, which always ends (every hold gives the word back).
     */
    @Test
    void race_probesAndLeases_neverHoldTheConnectionAtOnce() throws InterruptedException {
        LeaseState ls = new LeaseState();
        AtomicInteger holders = new AtomicInteger();
        AtomicLong overlaps = new AtomicLong();
        AtomicLong attempts = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int threadsPerSide = 4;
        int holdsPerThread = 25_000; // 8 threads: 200 000 holds
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();

        for (int i = 0; i < threadsPerSide; i++) {
            threads.add(new Thread(() -> race(go, failure, attempts, holdsPerThread, () -> {
                long w = ls.tryProbe();
                if (w < 0) {
                    return false;
                }
                if (holders.incrementAndGet() != 1 || ls.state() != State.PROBING) {
                    overlaps.incrementAndGet();
                }
                holders.decrementAndGet();
                if (!ls.passProbe(w)) {
                    overlaps.incrementAndGet(); // someone moved the word under the probe
                }
                return true;
            }), "prober-" + i));
            threads.add(new Thread(() -> race(go, failure, attempts, holdsPerThread, () -> {
                long w = ls.tryLease();
                if (w < 0) {
                    State refusedBy = LeaseState.refused(w);
                    if (refusedBy != State.PROBING && refusedBy != State.LEASED) {
                        overlaps.incrementAndGet();
                    }
                    return false;
                }
                if (holders.incrementAndGet() != 1 || ls.state() != State.LEASED) {
                    overlaps.incrementAndGet();
                }
                holders.decrementAndGet();
                if (!ls.release(w)) {
                    overlaps.incrementAndGet();
                }
                return true;
            }), "borrower-" + i));
        }
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), t.getName() + " did not finish its holds");
        }

        assertNull(failure.get());
        assertEquals(0, overlaps.get(), "a lease and a probe held the connection at once");
        assertEquals(State.IDLE, ls.state());
        assertEquals(2L * threadsPerSide * holdsPerThread, LeaseState.epoch(ls.word()), "every hold opens one epoch");
        assertTrue(attempts.get() >= 2L * threadsPerSide * holdsPerThread);
    }

    private interface Attempt {
        /** @return whether it held the connection (and gave it back) */
        boolean tryOnce();
    }

    private static void race(CountDownLatch go, AtomicReference<Throwable> failure, AtomicLong attempts, int holds,
            Attempt attempt) {
        try {
            go.await();
            int held = 0;
            while (held < holds) {
                attempts.incrementAndGet();
                if (attempt.tryOnce()) {
                    held++;
                }
            }
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }
}
