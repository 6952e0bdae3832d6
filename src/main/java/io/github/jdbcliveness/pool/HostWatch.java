package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.HostDownException;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.github.jdbcliveness.host.HostHealth;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's host verdict, wired in: evidence from probes, HikariCP's connects and requests waiting for an answer goes
 * to {@link HostHealth}; a check opens a new connection of its own (not a pool entry) with the connect timeout as
 * its deadline, on a thread of its own that is interrupted at the deadline (which closes its socket). A verdict takes
 * effect after a grace, if it still stands then: requests waiting on the host are aborted
 * ({@link EvictionReason#HOST_DOWN}), idle connections to it are probed at once, borrowers that would wait for a new
 * connection fail at once, and listeners hear of it. The host is checked again every recheck period, and anything
 * that answers re-admits it.
 *
 * <p>One verdict per pool: its connections go to the host of its URL. A pool over a multi-host URL (failover) is
 * judged as one.
 */
final class HostWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostWatch.class);

    private final PoolBinding binding;
    private final ConnectionFactory connector;
    private final HostHealth health;
    private final long checkDeadlineNanos;
    /** How long a verdict waits before it takes effect: a late answer takes it back within this. */
    private final long graceNanos;
    private final int validSeconds;
    private final HeartbeatCore.Periodic recheck;
    /** Orders each transition of the verdict with what it publishes (the borrow flag, the events). */
    private final ReentrantLock publish = new ReentrantLock();
    private long timesDown;
    private long checks;
    private volatile String name;
    /** For the borrow path: when the verdict in effect was reached, or 0 while there is none (one volatile read). */
    private volatile long downSince;
    private volatile Thread checkThread;
    private volatile boolean closed;

    HostWatch(PoolBinding binding, ConnectionFactory connector, LivenessConfig config, HeartbeatScheduler scheduler) {
        this.binding = binding;
        this.connector = connector;
        this.name = connector.target();
        long interval = config.heartbeatInterval().toNanos();
        long recheckNanos = Math.max(interval, config.connectTimeout().toNanos());
        this.health = new HostHealth(name, interval, recheckNanos, System.nanoTime());
        this.checkDeadlineNanos = config.connectTimeout().toNanos();
        this.graceNanos = config.worstCases().verdictGrace().toNanos();
        this.validSeconds = (int) Math.max(1, config.connectTimeout().toSeconds());
        this.recheck = scheduler.every(Duration.ofNanos(recheckNanos), this::recheck);
    }

    /** The host's name from a connection's far end, once one is open. */
    void named(String hostKey) {
        name = hostKey;
    }

    /** Whether a verdict is in effect (reached, and past its grace). */
    boolean down() {
        return downSince != 0;
    }

    // ---- evidence ----------------------------------------------------------------------------------------------

    void answered(long nowNanos) {
        publish.lock();
        try {
            long wasDownSince = health.downSinceNanos();
            boolean inEffect = downSince != 0;
            if (health.answered(nowNanos)) {
                downSince = 0;
                if (inEffect) {
                    binding.events().hostUp(name, Duration.ofNanos(nowNanos - wasDownSince), nowNanos);
                }
            }
        } finally {
            publish.unlock();
        }
    }

    void probeTimedOut(long startNanos, long nowNanos) {
        if (health.probeUnanswered(startNanos, nowNanos)) {
            check(nowNanos);
        }
    }

    void connectFailed(long startNanos, SQLException e) {
        long now = System.nanoTime();
        if (!noAnswer(e)) {
            answered(now); // the server spoke: too many connections, bad credentials, a TLS alert, ...
            return;
        }
        silent(startNanos, now, "a new connection from the pool failed after "
                + TimeUnit.NANOSECONDS.toMillis(now - startNanos) + " ms: " + e.getMessage(), false);
    }

    /**
     * Whether a failed connect got no answer from the server. The network says so (refused, timed out, no route,
     * unknown host); a TLS failure or any other cause means the server spoke. Without a cause, a connection error
     * (SQLState 08xxx) other than the server's own refusal (08004: too many connections) counts as no answer.
     */
    static boolean noAnswer(SQLException e) {
        boolean anyCause = false;
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                return true;
            }
            if (t instanceof SSLException) {
                return false;
            }
            anyCause = true;
        }
        String state = e.getSQLState();
        return !anyCause && state != null && state.startsWith("08") && !state.equals("08004");
    }

    /** The watchdog saw {@code t}'s driver waiting for an answer since {@code sinceNanos}, in lease {@code epoch}. */
    void requestWaiting(TrackedConnection t, long epoch, long sinceNanos, long nowNanos) {
        if (health.requestWaiting(sinceNanos, nowNanos)) {
            check(nowNanos);
        }
        // Only once the verdict took effect (published, counted, told): its own aborts come first, and the stats
        // never show a HOST_DOWN abort without the verdict behind it.
        if (downSince != 0 && health.waitsOnDownHost(sinceNanos, nowNanos, graceNanos)) {
            binding.abortOnDownHost(t, epoch, "its request waited " + TimeUnit.NANOSECONDS.toMillis(nowNanos
                    - sinceNanos) + " ms for an answer from host " + name + ", judged down: " + health.evidence(),
                    nowNanos);
        }
    }

    // ---- checks ------------------------------------------------------------------------------------------------

    private void recheck() {
        long now = System.nanoTime();
        if (!closed && health.recheckDue(now)) {
            check(now);
        }
    }

    /**
     * Opens a connection of its own to the host; no answer within the connect timeout makes the host down. The
     * caller holds the check's claim; it is released on every path.
     */
    private void check(long startNanos) {
        if (closed || checkThread != null) { // one check thread at a time, even one a deadline gave up on
            health.checkNotStarted();
            return;
        }
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                answer.complete(openAndAsk());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            } finally {
                checkThread = null;
            }
        }, binding.poolName() + "-host-check");
        thread.setDaemon(true);
        checkThread = thread;
        try {
            thread.start();
        } catch (RuntimeException | OutOfMemoryError e) { // no thread to be had: judge nothing, try again later
            checkThread = null;
            health.checkNotStarted();
            LOG.warn("{} - could not start a host check: {}", binding.poolName(), e.toString());
            return;
        }
        publish.lock();
        try {
            checks++;
        } finally {
            publish.unlock();
        }
        answer.orTimeout(checkDeadlineNanos, TimeUnit.NANOSECONDS).whenComplete((why, failure) -> {
            try {
                long now = System.nanoTime();
                if (failure == null && why == null) {
                    health.checkAnswered(now);
                    answered(now);
                    return;
                }
                thread.interrupt(); // at the deadline: closes the check's socket, so the thread ends
                silent(startNanos, now, failure != null ? "a new connection got no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(checkDeadlineNanos) + " ms (connectTimeout)"
                        : "a new connection failed: " + why, true);
            } catch (RuntimeException e) {
                LOG.warn("{} - host check outcome failed", binding.poolName(), e);
            }
        });
    }

    /** @return null when the host answered, else what went wrong */
    private String openAndAsk() {
        try (Connection c = connector.openUnpooled()) {
            c.isValid(validSeconds); // answered either way: the server spoke
            answered(System.nanoTime()); // also after the deadline: a late answer still re-admits the host
            return null;
        } catch (SQLException e) {
            return noAnswer(e) ? e.getMessage() : null; // an error from the server is an answer
        }
    }

    // ---- verdicts ----------------------------------------------------------------------------------------------

    /** A fresh connection got no answer: may make the host down, with effect after the grace. */
    private void silent(long startNanos, long nowNanos, String why, boolean fromCheck) {
        if (!health.freshConnectionUnanswered(startNanos, nowNanos, why, fromCheck) || closed) {
            return;
        }
        long verdict = health.verdict();
        Executor later = CompletableFuture.delayedExecutor(graceNanos, TimeUnit.NANOSECONDS, binding.maintenance());
        try {
            later.execute(() -> takeEffect(verdict));
        } catch (RejectedExecutionException e) {
            // the scheduler is shutting down with the last pool: nothing to take effect on
        }
    }

    /** The verdict, still standing after the grace: publish it, abort what waits on the host, probe its idle ones. */
    private void takeEffect(long verdict) {
        try {
            long now = System.nanoTime();
            publish.lock();
            try {
                if (closed || !health.stands(verdict, now, graceNanos)) {
                    return; // taken back by an answer within the grace
                }
                downSince = health.downSinceNanos();
                timesDown++;
                binding.events().hostDown(name, health.evidence(), now);
            } finally {
                publish.unlock();
            }
            binding.hostWentDown(now);
        } catch (RuntimeException e) {
            LOG.warn("{} - host verdict failed to take effect", binding.poolName(), e);
        }
    }

    /** For a borrower that would wait for a new connection while the host is down. */
    SQLException downException() {
        String evidence = health.evidence();
        String why = evidence == null ? "a new connection got no answer" : evidence;
        return new HostDownException(binding.poolName() + " - database host " + name + " is judged down (" + why
                + "): failing at once instead of waiting connectionTimeout for a new connection; borrows succeed "
                + "again once it answers", name, why);
    }

    LivenessStats.Host stats() {
        publish.lock();
        try {
            boolean inEffect = downSince != 0;
            return new LivenessStats.Host(name, inEffect, inEffect ? health.evidence() : null, timesDown, checks);
        } finally {
            publish.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        recheck.cancel();
        Thread t = checkThread;
        if (t != null) {
            t.interrupt(); // a check blocked on a hung server ends now, its socket closed
        }
    }
}
