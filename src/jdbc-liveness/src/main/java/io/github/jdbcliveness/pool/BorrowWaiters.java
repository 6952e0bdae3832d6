package io.github.jdbcliveness.pool;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The borrowers waiting inside HikariCP for a connection. When the host is judged down, a borrower that is already
 * waiting would wait out {@code connectionTimeout} for a new connection that cannot come; {@link #wakeAll()} ends
 * that wait with an interrupt, which HikariCP answers at once with "Interrupted during connection acquisition" and
 * without counting a borrow timeout. The borrower then fails with the host-down exception.
 *
 * <p>Only a wait this class started is interrupted, and the interrupt it sent is cleared before the borrower goes
 * on: a waiter leaves through a compare-and-set that either finishes the wait (no interrupt will come) or finds
 * the wake under way and waits for its interrupt to land, then clears it. An interrupt of the application's own
 * that lands in that same moment is cleared with it: the borrow fails with the host-down exception either way.
 */
public final class BorrowWaiters {

    /** One borrow from HikariCP: {@code getConnection()}, or the same with the time left. */
    public interface Borrow {
        Connection get() throws SQLException;
    }

    /** Borrowers registered without allocating: a slot each, one per cache line (4 kB per pool). */
    private static final int SLOTS = 64;
    private static final int STRIDE = 16;
    /** In a slot: the waker is between taking the slot's thread and its interrupt landing. */
    private static final Object WAKING = new Object();
    /** In a slot: the interrupt was sent. */
    private static final Object WOKEN = new Object();

    /**
     * Slot k at index (k + 1) × STRIDE: the first line of the array holds its header, whose length every access
     * reads for its bounds check, and one more line at the end keeps the last slot off whatever follows it.
     */
    private final AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>((SLOTS + 2) * STRIDE);
    /** Borrowers beyond the slots (more than 64 waiting at once): a set, which allocates. */
    private final Set<Waiter> overflow = ConcurrentHashMap.newKeySet();

    BorrowWaiters() {
    }

    /**
     * Runs {@code borrow} as a waiter that a host-down verdict can wake.
     *
     * @param nothingIdle  true when HikariCP has no idle connection to hand out
     * @param hostIsDown   true while the host is judged down; when it is and nothing is idle, a new connection
     *                     cannot come and the borrow fails at once. Checked once the waiter is registered, so a
     *                     verdict between the caller's own check and the wait is not missed
     * @param hostDown     the exception a woken borrower fails with
     * @return the connection HikariCP handed out; it may come even after a wake, and the caller checks it as any
     */
    Connection await(Borrow borrow, BooleanSupplier nothingIdle, BooleanSupplier hostIsDown,
            Supplier<SQLException> hostDown) throws SQLException {
        return await(borrow, nothingIdle, hostIsDown, () -> false, hostDown);
    }

    /**
     * As {@link #await(Borrow, BooleanSupplier, BooleanSupplier, Supplier)}, and a borrower that would fail at once
     * because the host is down first asks {@code tryHost}, which may find it back (half-open).
     *
     * @param tryHost true when the host is up after all: the borrow then goes on to HikariCP
     */
    Connection await(Borrow borrow, BooleanSupplier nothingIdle, BooleanSupplier hostIsDown, BooleanSupplier tryHost,
            Supplier<SQLException> hostDown) throws SQLException {
        Thread me = Thread.currentThread();
        int slot = claim(me);
        Waiter w = null;
        if (slot < 0) {
            w = new Waiter(me);
            overflow.add(w);
        }
        Connection c = null;
        SQLException failure = null;
        boolean woken;
        try {
            if (hostIsDown.getAsBoolean() && nothingIdle.getAsBoolean() && !tryHost.getAsBoolean()) {
                failure = hostDown.get();
            } else {
                c = borrow.get();
            }
        } catch (SQLException e) {
            failure = e;
        } finally {
            if (w == null) {
                woken = !release(slot, me);
            } else {
                overflow.remove(w);
                woken = !w.finish();
            }
        }
        if (c != null) {
            return c;
        }
        if (woken) {
            SQLException down = hostDown.get();
            down.addSuppressed(failure);
            throw down;
        }
        throw failure;
    }

    /** The host was judged down: end every wait inside HikariCP now. */
    void wakeAll() {
        for (int i = STRIDE; i <= SLOTS * STRIDE; i += STRIDE) {
            Object v = slots.get(i);
            if (v instanceof Thread t && slots.compareAndSet(i, t, WAKING)) {
                t.interrupt();
                slots.set(i, WOKEN);
            }
        }
        for (Waiter w : overflow) {
            w.wake();
        }
    }

    /** How many borrowers wait right now. */
    int size() {
        int n = overflow.size();
        for (int i = STRIDE; i <= SLOTS * STRIDE; i += STRIDE) {
            n += slots.get(i) == null ? 0 : 1;
        }
        return n;
    }

    /** A free slot for {@code me}, starting from one its id picks; -1 when all are taken. */
    private int claim(Thread me) {
        int start = (int) (me.getId() * 0x9E3779B9L >>> 16) & (SLOTS - 1);
        for (int k = 0; k < SLOTS; k++) {
            int i = (((start + k) & (SLOTS - 1)) + 1) * STRIDE;
            if (slots.get(i) == null && slots.compareAndSet(i, null, me)) {
                return i;
            }
        }
        return -1;
    }

    /** True if the wait ended on its own; false if it was woken (the interrupt it got is cleared). */
    private boolean release(int i, Thread me) {
        if (slots.compareAndSet(i, me, null)) {
            return true;
        }
        while (slots.get(i) != WOKEN) {
            Thread.onSpinWait(); // the waker is between its compare-and-set and its interrupt
        }
        Thread.interrupted();
        slots.set(i, null);
        return false;
    }

    private static final class Waiter {
        private static final int WAITING = 0;
        private static final int WAKING = 1;
        private static final int WOKEN = 2;
        private static final int DONE = 3;

        private final Thread thread;
        private final AtomicInteger state = new AtomicInteger(WAITING);

        Waiter(Thread thread) {
            this.thread = thread;
        }

        void wake() {
            if (state.compareAndSet(WAITING, WAKING)) {
                thread.interrupt();
                state.set(WOKEN);
            }
        }

        boolean finish() {
            if (state.compareAndSet(WAITING, DONE)) {
                return true;
            }
            while (state.get() != WOKEN) {
                Thread.onSpinWait();
            }
            Thread.interrupted();
            return false;
        }
    }
}
