package io.github.jdbcliveness.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one atomic word of a tracked connection: its {@link State} in the low 3 bits, an epoch above them. The epoch
 * grows with every lease and every probe, so a late probe result or a late return can never change a later lease
 * or probe: they compare-and-set the exact word they were given. The word changes only through the named
 * {@link Transition}s; a transition from a state its table does not list throws.
 *
 * <p>Beside the word, the current borrower's own record of its lease ({@link #borrowerWord} and the rest), which
 * only the borrower's thread touches. Both sit between 64 bytes of padding on either side: the borrower writes this
 * line twice per borrow, and without the padding two threads borrowing two connections whose states the garbage
 * collector had copied next to each other made a borrow twice to three times as slow (JMH, 2 threads, 0.20–0.35 µs
 * against 0.14 µs). This object grows from 24 to 168 bytes.
 */
final class LeaseState extends CacheLinePadding {

    enum State {
        /** In the pool, not in use: the heartbeat may probe it. */
        IDLE,
        /** A heartbeat probe holds it; a borrower waits for the probe. */
        PROBING,
        /** Handed to the application (between HikariCP's beginRequest and endRequest); never probed. */
        LEASED,
        /** Known dead: aborted, never handed out again. */
        DEAD,
        /** Closed by the pool. */
        CLOSED,
        /** A heartbeat probe has claimed it and waits for a probe thread; a borrower may take it back. */
        QUEUED,
        /** Opened, and HikariCP is still setting it up: not in HikariCP's bag yet, so never probed or evicted. */
        SETUP
    }

    /** Every legal move: where it may start, where it ends, whether it opens a new epoch. */
    enum Transition {
        PROBE_FROM_IDLE(EnumSet.of(State.IDLE), State.PROBING, true),
        QUEUE_PROBE(EnumSet.of(State.IDLE), State.QUEUED, true),
        START_PROBE(EnumSet.of(State.QUEUED), State.PROBING, false),
        CANCEL_PROBE(EnumSet.of(State.QUEUED), State.IDLE, false),
        PASS_PROBE(EnumSet.of(State.PROBING), State.IDLE, false),
        FAIL_PROBE(EnumSet.of(State.PROBING, State.QUEUED), State.DEAD, false),
        LEASE(EnumSet.of(State.IDLE), State.LEASED, true),
        RELEASE(EnumSet.of(State.LEASED), State.IDLE, false),
        READY(EnumSet.of(State.SETUP), State.IDLE, false),
        MARK_DEAD(EnumSet.of(State.IDLE, State.QUEUED, State.PROBING, State.LEASED, State.SETUP), State.DEAD, false),
        CLOSE(EnumSet.of(State.IDLE, State.QUEUED, State.PROBING, State.LEASED, State.DEAD, State.SETUP),
                State.CLOSED, false);

        final Set<State> from;
        final State to;
        final boolean newEpoch;

        Transition(Set<State> from, State to, boolean newEpoch) {
            this.from = from;
            this.to = to;
            this.newEpoch = newEpoch;
        }

        long next(long word) {
            State s = state(word);
            if (!from.contains(s)) {
                throw new IllegalStateTransitionException(this, s);
            }
            long epoch = epoch(word) + (newEpoch ? 1 : 0);
            return (epoch << BITS) | to.ordinal();
        }
    }

    /** A move the transition table does not allow: a bug, never a runtime condition. */
    static final class IllegalStateTransitionException extends IllegalStateException {
        IllegalStateTransitionException(Transition t, State s) {
            super(t + " is not allowed from " + s + " (allowed from " + t.from + ")");
        }
    }

    private static final int BITS = 3;
    private static final long MASK = (1 << BITS) - 1;
    private static final State[] STATES = State.values();
    private static final long IDLE_BITS = State.IDLE.ordinal();
    private static final long LEASED_BITS = State.LEASED.ordinal();
    private static final VarHandle WORD;

    static {
        try {
            WORD = MethodHandles.lookup().findVarHandle(LeaseState.class, "word", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // through WORD
    private volatile long word;
    /**
     * The current borrower's lease word (-1 while none), written on the borrower's thread only ({@link #leased},
     * {@link #refusedAfter}, {@link #endLease}). A plain field: HikariCP hands a connection to one borrower at a time,
     * and its bag's compare-and-set orders each hand-over (return, then next borrow) for us; a volatile store would
     * put a full fence on every borrow and every return.
     */
    private long borrowerWord = -1;
    /**
     * -1, or the current borrower's beginRequest refused the lease (dead, closed, or held past a probe's deadline)
     * this many nanoseconds after it began (the wait for a probe, if any). A long, as all fields here: the JVM keeps
     * fields of one size in declaration order, and a smaller one could land in a gap before the padding.
     */
    private long refusedAfterNanos = -1;
    /** After these: the other half of the padding. */
    @SuppressWarnings("unused")
    private long q0;
    @SuppressWarnings("unused")
    private long q1;
    @SuppressWarnings("unused")
    private long q2;
    @SuppressWarnings("unused")
    private long q3;
    @SuppressWarnings("unused")
    private long q4;
    @SuppressWarnings("unused")
    private long q5;
    @SuppressWarnings("unused")
    private long q6;
    @SuppressWarnings("unused")
    private long q7;

    /** Idle. */
    LeaseState() {
        this(State.IDLE);
    }

    private LeaseState(State initial) {
        this.word = initial.ordinal();
    }

    /** A connection just opened, which HikariCP is still setting up ({@link #ready()} makes it idle). */
    static LeaseState inSetup() {
        return new LeaseState(State.SETUP);
    }

    static State state(long word) {
        return STATES[(int) (word & MASK)];
    }

    static long epoch(long word) {
        return word >>> BITS;
    }

    long word() {
        return (long) WORD.getVolatile(this);
    }

    State state() {
        return state(word());
    }

    /**
     * Applies {@code t} if the word is still {@code expected}.
     *
     * @return the new word, or -1 when the word changed meanwhile
     * @throws IllegalStateTransitionException when {@code expected} is in a state {@code t} may not leave
     */
    long apply(Transition t, long expected) {
        long next = t.next(expected);
        return WORD.compareAndSet(this, expected, next) ? next : -1;
    }

    /** IDLE → PROBING. @return the probe's word, or -1 when the connection is not idle */
    long tryProbe() {
        while (true) {
            long w = word();
            if (state(w) != State.IDLE) {
                return -1;
            }
            long next = apply(Transition.PROBE_FROM_IDLE, w);
            if (next >= 0) {
                return next;
            }
        }
    }

    /** IDLE → QUEUED: a heartbeat probe claims it until a probe thread starts it. @return its word, or -1 */
    long tryQueueProbe() {
        while (true) {
            long w = word();
            if (state(w) != State.IDLE) {
                return -1;
            }
            long next = apply(Transition.QUEUE_PROBE, w);
            if (next >= 0) {
                return next;
            }
        }
    }

    /** The word a queued probe has once it started: same epoch, PROBING. */
    static long started(long probeWord) {
        return (probeWord & ~MASK) | State.PROBING.ordinal();
    }

    /** QUEUED → PROBING for the probe that owns {@code queuedWord}. @return false when a borrower took it back */
    boolean startQueued(long queuedWord) {
        return state(queuedWord) == State.QUEUED && word() == queuedWord
                && apply(Transition.START_PROBE, queuedWord) >= 0;
    }

    /** QUEUED → IDLE: a borrower takes back a connection whose probe has not started. */
    boolean cancelQueued(long queuedWord) {
        return state(queuedWord) == State.QUEUED && word() == queuedWord
                && apply(Transition.CANCEL_PROBE, queuedWord) >= 0;
    }

    /** SETUP → IDLE: HikariCP has set the connection up. @return false when it was not in setup */
    boolean ready() {
        long w = word();
        return state(w) == State.SETUP && apply(Transition.READY, w) >= 0;
    }

    /** PROBING → IDLE, only for the probe that owns {@code probeWord}. */
    boolean passProbe(long probeWord) {
        return word() == probeWord && apply(Transition.PASS_PROBE, probeWord) >= 0;
    }

    /** PROBING (or QUEUED) → DEAD, only for the probe that owns {@code probeWord}. */
    boolean failProbe(long probeWord) {
        return word() == probeWord && apply(Transition.FAIL_PROBE, probeWord) >= 0;
    }

    /**
     * IDLE → LEASED.
     *
     * @return the lease's word (≥ 0), or the current word negated minus one when it could not be leased (the caller
     *         decodes the state with {@link #refused})
     */
    long tryLease() {
        while (true) {
            long w = word();
            if ((w & MASK) != IDLE_BITS) {
                return -w - 1;
            }
            // Transition.LEASE, spelled out: this is the borrow path, every borrow pays for it.
            long next = ((epoch(w) + 1) << BITS) | LEASED_BITS;
            if (WORD.compareAndSet(this, w, next)) {
                return next;
            }
        }
    }

    /** The state that refused a {@link #tryLease()}. */
    static State refused(long tryLeaseResult) {
        return state(-(tryLeaseResult + 1));
    }

    /** LEASED → IDLE, only for the lease that owns {@code leaseWord}. */
    boolean release(long leaseWord) {
        if (leaseWord < 0) {
            throw new IllegalArgumentException("release(" + leaseWord + "): not a lease word");
        }
        if ((leaseWord & MASK) != LEASED_BITS) {
            throw new IllegalStateTransitionException(Transition.RELEASE, state(leaseWord));
        }
        // Transition.RELEASE, spelled out for the return path; fails if anything moved the word since the lease.
        return WORD.compareAndSet(this, leaseWord, (leaseWord & ~MASK) | IDLE_BITS);
    }

    /** Any live state → DEAD. @return false when already dead or closed */
    boolean markDead() {
        while (true) {
            long w = word();
            State s = state(w);
            if (s == State.DEAD || s == State.CLOSED) {
                return false;
            }
            if (apply(Transition.MARK_DEAD, w) >= 0) {
                return true;
            }
        }
    }

    /**
     * LEASED → DEAD, only while the lease is the one of {@code leaseEpoch}: evidence gathered on a lease that has
     * ended since must not kill the next borrower's.
     */
    boolean markDeadIfLease(long leaseEpoch) {
        long w = word();
        return state(w) == State.LEASED && epoch(w) == leaseEpoch && apply(Transition.MARK_DEAD, w) >= 0;
    }

    // ---- the current borrower's record (its thread only) --------------------------------------------------------

    /** What the current borrower's beginRequest found. */
    enum Lease {
        /** A lease on a connection that is still live. */
        LIVE,
        /** Dead, closed, held by a probe past its deadline, or found dead since it was leased. */
        REFUSED,
        /** HikariCP did not call beginRequest: request boundaries are off for this pool. */
        NOT_BEGUN
    }

    /** The borrower's beginRequest got lease {@code leaseWord} ({@link #tryLease()}). */
    void leased(long leaseWord) {
        borrowerWord = leaseWord;
        refusedAfterNanos = -1;
    }

    /** The borrower's beginRequest refused the lease, {@code nanos} after it began. */
    void refusedAfter(long nanos) {
        borrowerWord = -1;
        refusedAfterNanos = nanos;
    }

    /** The borrower's endRequest: forgets its record. @return its lease word, to {@link #release}, or -1 */
    long endLease() {
        long w = borrowerWord;
        borrowerWord = -1;
        refusedAfterNanos = -1;
        return w;
    }

    /** What the current borrower's beginRequest found, and whether its lease still holds. */
    Lease lease() {
        long w = borrowerWord;
        if (w >= 0) {
            return word() == w ? Lease.LIVE : Lease.REFUSED;
        }
        return refusedAfterNanos >= 0 ? Lease.REFUSED : Lease.NOT_BEGUN;
    }

    /** When {@link #lease()} is REFUSED: how long beginRequest took to refuse it (a wait for a probe, or next to 0). */
    long refusedAfterNanos() {
        return Math.max(refusedAfterNanos, 0);
    }

    /** Any → CLOSED. @return the state it was in, or null when it was already closed */
    State close() {
        while (true) {
            long w = word();
            State s = state(w);
            if (s == State.CLOSED) {
                return null;
            }
            if (apply(Transition.CLOSE, w) >= 0) {
                return s;
            }
        }
    }
}
