package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.HikariPoolMXBean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tells when every connection that has left setup is in HikariCP's bag, so that HikariCP's task for one of them
 * can be run. HikariCP schedules a new entry's tasks (which takes the connection out of setup: from then on the
 * heartbeat may find it dead) and only then adds the entry to its bag, on its own thread. Run before that add, its
 * end-of-life task reserves the entry, fails to remove it from the bag it is not yet in, and the add then puts it
 * there in a state no one can borrow, reserve or remove: counted in HikariCP's total for good, never closed, never
 * replaced. No wait of a fixed length can rule that out on a machine where a thread may be preempted for longer.
 *
 * <p>The proof is a count. HikariCP's bag holds only connections that left setup and that HikariCP has not closed
 * (it removes an entry from the bag before it closes it). So when HikariCP's total is at least the number of those,
 * read while neither count moved, none of them is waiting to be added. A close on its way, or another connection
 * being added, only delays the proof.
 */
final class BagCount {

    private final AtomicLong leftSetup = new AtomicLong();
    private final AtomicLong closedAfterSetup = new AtomicLong();

    void leftSetup() {
        leftSetup.incrementAndGet();
    }

    void closedAfterSetup() {
        closedAfterSetup.incrementAndGet();
    }

    /** @param pool HikariCP's pool, or null while it is still starting (its first entry may not be in yet) */
    boolean allInBag(HikariPoolMXBean pool) {
        if (pool == null) {
            return false;
        }
        long left = leftSetup.get();
        long closed = closedAfterSetup.get();
        int total = pool.getTotalConnections();
        return leftSetup.get() == left && closedAfterSetup.get() == closed && total >= left - closed;
    }
}
