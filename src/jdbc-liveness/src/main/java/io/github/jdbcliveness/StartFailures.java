package io.github.jdbcliveness;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * The failures of a lazy pool start, for the borrowers that waited for it. Borrowers that arrive while a start is
 * under way wait for it, and when it fails they share its failure rather than start again one after another: five
 * borrowers of a database that accepts and never answers failed after 3, 6, 9, 12 and 15 s, and now all after 3 s.
 * A borrower that arrives after a failed start starts afresh. Used under the caller's start lock.
 */
final class StartFailures {

    private Exception latest;
    private long latestAtNanos;

    /** Throws the failure of a start that ended after {@code arrivedNanos}: one this borrower waited through. */
    void throwIfWaitedThrough(long arrivedNanos, String poolName) throws SQLException {
        if (latest != null && latestAtNanos - arrivedNanos >= 0) {
            String state = latest instanceof SQLException e && e.getSQLState() != null ? e.getSQLState() : "08001";
            throw new SQLTransientConnectionException(poolName + " - the pool's start failed while this borrower "
                    + "waited for it: " + latest.getMessage(), state, latest);
        }
    }

    void failed(Exception e) {
        latest = e;
        latestAtNanos = System.nanoTime();
    }
}
