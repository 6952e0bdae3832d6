package io.github.jdbcliveness.pool;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A write refused because the MySQL-protocol server is read-only is evidence that the server is in the wrong role,
 * for a pool that needs a primary: HikariCP evicts that connection at once (it closes the borrower's proxy and removes
 * the entry) instead of handing it out again (a busy thread keeps drawing the same connection, which a heartbeat then
 * never finds idle), and jdbc-liveness counts the eviction as {@code WRONG_ROLE} and sweeps that server's other idle
 * connections, as a probe that finds the wrong role does. Installed as HikariCP's {@code exceptionOverride} only for
 * such a pool, and only when the application set none.
 *
 * <p>Only the server's own read-only refusals count: error 1290 naming the {@code read-only} option, and 1836
 * ({@code ER_READ_ONLY_MODE}). A write inside the application's own {@code START TRANSACTION READ ONLY} fails with
 * 1792 (SQLState 25006) and is left alone, as is every other error.
 *
 * <p>Which connection: HikariCP asks {@link #adjudicate} with the exception alone. But it asks on the thread that got
 * it, and on a {@code MUST_EVICT} it evicts right there ({@code ProxyConnection.checkException}): it removes that
 * connection's entry from its bag and cancels the entry's end-of-life and keepalive tasks ({@code PoolEntry.close}),
 * before it hands the connection to its closer thread. Those tasks were scheduled on our executor, which returned
 * futures that know their connection ({@link HousekeepingExecutor}). So the refusal waits in a thread-local, and the
 * first cancel on the same thread names its connection ({@link #removing}). Only HikariCP's warning about the broken
 * connection lies between the two: microseconds, or up to 119 ms in four runs of the MySQL failover drill, where
 * eight writers log a stack trace at once on a busy two-core machine.
 */
final class ReadOnlyEvidence implements SQLExceptionOverride {

    private static final int OPTION_PREVENTS_STATEMENT = 1290;
    private static final int READ_ONLY_MODE = 1836;
    /**
     * How long a refusal waits for HikariCP's eviction to reach the connection's task: eight times the longest gap the
     * drill saw. A refusal that never reaches a task (the entry's end-of-life task ran already, and it has no keepalive
     * task) must not be taken for a later removal on the same thread.
     */
    static final long CLAIM_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A refusal HikariCP is evicting a connection for, on the thread that adjudicated it. */
    private record Refusal(SQLException cause, long atNanos) {
    }

    private final ThreadLocal<Refusal> pending = new ThreadLocal<>();
    private final Verdicts<TrackedConnection> verdicts;
    /** The role the pool needs and where that came from, for the eviction's reason. */
    private final String needs;

    ReadOnlyEvidence(Verdicts<TrackedConnection> verdicts, String needs) {
        this.verdicts = verdicts;
        this.needs = needs;
    }

    @java.lang.Override
    public Override adjudicate(SQLException e) {
        return adjudicate(e, System.nanoTime());
    }

    /** Every exception HikariCP weighs passes here first: a refusal waits for its eviction, anything else clears it. */
    Override adjudicate(SQLException e, long nowNanos) {
        SQLException refusal = serverReadOnly(e);
        if (refusal == null) {
            pending.remove();
            return Override.CONTINUE_EVICT;
        }
        pending.set(new Refusal(refusal, nowNanos));
        return Override.MUST_EVICT;
    }

    /**
     * HikariCP is removing {@code t}'s entry, on this thread. Right after a refusal adjudicated here, while {@code t}
     * is still leased, that is the eviction for the refusal: {@code t} is dead by its lease (so no probe, borrower or
     * watchdog can count it again), counted and told as {@code WRONG_ROLE}, and its host swept.
     */
    void removing(TrackedConnection t) {
        removing(t, System.nanoTime());
    }

    /** @return whether the removal was the refusal's, and {@code t} is now counted */
    boolean removing(TrackedConnection t, long nowNanos) {
        Refusal r = pending.get();
        if (r == null) {
            return false;
        }
        pending.remove();
        long epoch = t.watched().leaseEpoch();
        if (nowNanos - r.atNanos() >= CLAIM_WINDOW_NANOS || epoch < 0 || !t.state.markDeadIfLease(epoch)) {
            return false;
        }
        verdicts.refusedAsReadOnly(t, r.cause(), "wrong role: the server refused a write as read-only (error "
                + r.cause().getErrorCode() + "); the pool needs a " + needs, nowNanos);
        return true;
    }

    /** The exception in the chain that says the server is read-only, or null. */
    private static SQLException serverReadOnly(SQLException e) {
        for (SQLException c = e; c != null; c = c.getNextException()) {
            String message = c.getMessage() == null ? "" : c.getMessage().toLowerCase(Locale.ROOT);
            if (c.getErrorCode() == READ_ONLY_MODE || c.getErrorCode() == OPTION_PREVENTS_STATEMENT
                    && (message.contains("read-only") || message.contains("read_only"))) {
                return c;
            }
        }
        return null;
    }
}
