package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.pool.LeaseState.State;

/**
 * A borrower's {@code beginRequest} on a connection that was not idle when HikariCP handed it out: wait for a running
 * probe, or give up on it. Two deadlines, because only a probe that ran and got no answer within its timeout is
 * evidence of death. A queued probe (its host's probe threads all busy) gets one probe timeout to find a thread; if it
 * has not started by then, the borrower takes the connection back, with no verdict. A running probe gets one probe
 * timeout counted from when this borrower first saw it running, never from the borrower's arrival: a probe that got
 * its thread late, and answers inside its own timeout, must not be refused (and then marked dead) for the time it
 * spent queued.
 *
 * <p>It only decides; the caller waits: {@link TrackedConnection} on the probe's end with a real thread, the
 * simulation on simulated time. Each {@link #step} moves the lease word through its named transitions.
 */
final class LeaseAttempt {

    private final LeaseState state;
    private final Runnable setUp;
    private final long start;
    private final long wait;
    private final long queuedUntil;
    private long probingWord = -1;
    private long probingUntil;
    private long waitUntil;
    private boolean waited;
    private boolean leased;

    /**
     * @param setUp what to do when HikariCP hands out a connection still in setup (it scheduled no task we know of,
     *              yet it hands it out: it is set up)
     */
    LeaseAttempt(LeaseState state, long probeTimeoutNanos, long startNanos, Runnable setUp) {
        this.state = state;
        this.setUp = setUp;
        this.start = startNanos;
        this.wait = probeTimeoutNanos + ProbeTarget.WAIT_SLACK_NANOS;
        this.queuedUntil = startNanos + wait;
    }

    /**
     * One look at the lease word at {@code nowNanos}.
     *
     * @return true when the attempt ended: the lease is the borrower's, or refused (its {@code lease()} says which);
     *         false when the borrower must wait for the probe's end, until {@link #waitUntilNanos()} at the latest,
     *         and look again
     */
    boolean step(long nowNanos) {
        while (true) {
            long r = state.tryLease();
            if (r >= 0) {
                state.leased(r);
                leased = true;
                return true;
            }
            long w = -r - 1;
            State s = LeaseState.refused(r);
            if (s == State.SETUP) {
                setUp.run();
                continue;
            } else if (s == State.QUEUED) {
                if (nowNanos - queuedUntil >= 0) {
                    // Its probe never got a thread (its host's lane is full): no verdict, the borrower takes it back.
                    state.cancelQueued(w);
                    continue;
                }
                waitUntil = queuedUntil;
            } else if (s == State.PROBING) {
                if (w != probingWord) {
                    // Running since before now, but perhaps only just: its own deadline is at most one timeout away.
                    probingWord = w;
                    probingUntil = nowNanos + wait;
                }
                if (nowNanos - probingUntil >= 0) {
                    state.refusedAfter(nowNanos - start); // ran a whole probe timeout (and the slack) unanswered
                    return true;
                }
                waitUntil = probingUntil;
            } else {
                state.refusedAfter(nowNanos - start); // dead or closed: the borrower must not use it
                return true;
            }
            waited = true;
            return false;
        }
    }

    /** After {@link #step} returned false: until when to wait for the probe's end. */
    long waitUntilNanos() {
        return waitUntil;
    }

    /** Whether the attempt ended with the lease after waiting for a probe on the way (counted in the stats). */
    boolean leasedAfterWaiting() {
        return leased && waited;
    }
}
