package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HostWatch}'s check in a running pool: a new connection of its own (not a pool entry) and one
 * {@code isValid}, on a thread of its own, with the connect timeout as its deadline. At the deadline the check's
 * sockets are closed, so that its thread ends (an interrupt does not end a platform thread's socket I/O). One check
 * thread at a time, even one a deadline gave up on.
 */
final class HostCheckThread implements HostCheck {

    /** Opens the check's own connection, to its host alone. */
    interface Opener {
        Connection open(KeepaliveConnector.Attempt attempt) throws SQLException;
    }

    /** HostWatch's: the lines about checks stay where they were before the check moved here. */
    private static final Logger LOG = LoggerFactory.getLogger(HostWatch.class);

    private final String poolName;
    private final Supplier<String> hostName;
    private final Opener checkConnection;
    private final long deadlineNanos;
    private final int validSeconds;
    /** How long the server may say nothing before a failed connect and still have answered: a probe timeout. */
    private final long quietNanos;
    private volatile Thread checkThread;
    /** The sockets of the check under way, closed at its deadline and at close(). */
    private volatile KeepaliveConnector.Attempt checkAttempt;

    HostCheckThread(String poolName, Supplier<String> hostName, Opener checkConnection, long deadlineNanos,
            long quietNanos) {
        this.poolName = poolName;
        this.hostName = hostName;
        this.checkConnection = checkConnection;
        this.deadlineNanos = deadlineNanos;
        this.validSeconds = (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadlineNanos));
        this.quietNanos = quietNanos;
    }

    @Override
    public boolean start(long startNanos, HostCheck.Result result) {
        if (checkThread != null) {
            return false;
        }
        CompletableFuture<Found> answer = new CompletableFuture<>();
        KeepaliveConnector.Attempt attempt = new KeepaliveConnector.Attempt();
        Thread thread = new Thread(() -> {
            try {
                answer.complete(openAndAsk(attempt, startNanos, result));
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            } finally {
                checkAttempt = null;
                checkThread = null;
            }
        }, poolName + "-host-check " + hostName.get());
        thread.setDaemon(true);
        checkAttempt = attempt;
        checkThread = thread;
        try {
            thread.start();
        } catch (RuntimeException | OutOfMemoryError e) { // no thread to be had: judge nothing, try again later
            checkThread = null;
            LOG.warn("{} - could not start a host check: {}", poolName, e.toString());
            return false;
        }
        answer.orTimeout(deadlineNanos, TimeUnit.NANOSECONDS).whenComplete((found, failure) -> {
            try {
                long now = System.nanoTime();
                if (failure == null && found.outcome() != ConnectOutcome.SILENT) {
                    result.ended(now, found.outcome(), null, false, 0);
                    return;
                }
                result.ended(now, ConnectOutcome.SILENT, failure != null ? "a new connection got no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms (connectTimeout)"
                        : "a new connection failed: " + found.why(), ConnectOutcome.tcpSilent(attempt),
                        attempt.tcpConnectedAtNanos());
                // Then close the check's sockets, so that its thread ends now (what it reports after this is ours,
                // and the watch knows the check ended); the interrupt still ends a driver's own wait (pgjdbc's login).
                attempt.closeSockets();
                thread.interrupt();
            } catch (RuntimeException e) {
                LOG.warn("{} - host check outcome failed", poolName, e);
            }
        });
        return true;
    }

    /** What a check's own connection found, and what went wrong when it was not an answer. */
    private record Found(ConnectOutcome outcome, String why) {
        static final Found ANSWER = new Found(ConnectOutcome.ANSWERED, null);
    }

    private Found openAndAsk(KeepaliveConnector.Attempt attempt, long startNanos, HostCheck.Result result) {
        try (Connection c = checkConnection.open(attempt)) {
            boolean valid = c.isValid(validSeconds); // false may be the server's error reply: it spoke either way
            result.answered(System.nanoTime(), valid);
            return Found.ANSWER;
        } catch (SQLException e) {
            ConnectOutcome o = ConnectOutcome.of(e, attempt, startNanos, System.nanoTime(), quietNanos);
            if (o == ConnectOutcome.ANSWERED) {
                result.answered(System.nanoTime(), false); // an error from the server is an answer
            }
            return new Found(o, e.getMessage());
        }
    }

    @Override
    public void close() {
        KeepaliveConnector.Attempt a = checkAttempt;
        if (a != null) {
            a.closeSockets(); // a check blocked on a hung server ends now
        }
        Thread t = checkThread;
        if (t != null) {
            t.interrupt();
        }
    }
}
