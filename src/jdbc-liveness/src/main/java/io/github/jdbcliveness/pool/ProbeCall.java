package io.github.jdbcliveness.pool;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One round trip run on a probe lane for a waiting caller (a borrower's validation, HikariCP's borrow-time check).
 * The probe timeout counts from the moment the round trip starts on its thread, never from when it was queued. A
 * caller may give up on a round trip that has not started yet: it is then cancelled and never touches the
 * connection, so the caller can give the connection back unharmed. Waiting uses a lock and condition, never a
 * monitor, so a virtual-thread borrower does not pin its carrier.
 */
final class ProbeCall implements Runnable {

    enum Outcome {
        PASSED, FAILED, TIMED_OUT,
        /** The lane never started it before the caller's deadline; it was cancelled and never ran. */
        NOT_STARTED,
        /** The caller was interrupted before it started; it was cancelled and never ran. */
        INTERRUPTED
    }

    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CANCELLED = 3;

    private final Callable<Boolean> roundTrip;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile long startedNanos;
    private volatile long endedNanos;
    private volatile boolean passed;
    private volatile Throwable cause;

    ProbeCall(Callable<Boolean> roundTrip) {
        this.roundTrip = roundTrip;
    }

    @Override
    public void run() {
        startedNanos = System.nanoTime();
        if (!state.compareAndSet(QUEUED, RUNNING)) {
            return;
        }
        signal();
        try {
            passed = Boolean.TRUE.equals(roundTrip.call());
        } catch (Throwable e) {
            cause = e;
        } finally {
            endedNanos = System.nanoTime();
            state.set(DONE);
            signal();
        }
    }

    private void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the outcome. Once the round trip runs, an interrupt does not end the wait early (it is bounded by
     * the timeout; the interrupt flag is set again on return): the connection must not be handed back while a
     * round trip is on it.
     *
     * @param timeoutNanos        the probe timeout, from the start of the round trip
     * @param startDeadlineNanos  {@link System#nanoTime()} by which it must have started
     */
    Outcome await(long timeoutNanos, long startDeadlineNanos) {
        boolean interrupted = false;
        lock.lock();
        try {
            while (true) {
                int s = state.get();
                long now = System.nanoTime();
                if (s == DONE) {
                    return passed ? Outcome.PASSED : Outcome.FAILED;
                }
                long waitNanos;
                if (s == QUEUED) {
                    if (interrupted || now - startDeadlineNanos >= 0) {
                        if (state.compareAndSet(QUEUED, CANCELLED)) {
                            return interrupted ? Outcome.INTERRUPTED : Outcome.NOT_STARTED;
                        }
                        continue;
                    }
                    waitNanos = startDeadlineNanos - now;
                } else {
                    long deadline = startedNanos + timeoutNanos;
                    if (now - deadline >= 0) {
                        return Outcome.TIMED_OUT;
                    }
                    waitNanos = deadline - now;
                }
                try {
                    changed.awaitNanos(waitNanos);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The driver's error, when the round trip threw. */
    Throwable cause() {
        return cause;
    }

    long startedNanos() {
        return startedNanos;
    }

    /** How long the round trip took, or has been running. */
    long tookNanos() {
        long end = state.get() == DONE ? endedNanos : System.nanoTime();
        return end - startedNanos;
    }
}
