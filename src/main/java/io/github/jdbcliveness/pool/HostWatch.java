package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.heartbeat.HeartbeatScheduler;
import io.github.jdbcliveness.host.HostHealth;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's host verdict, wired in: evidence from probes, HikariCP's connects and requests waiting for an answer goes
 * to {@link HostHealth}; a check opens a new connection of its own (not a pool entry) with the connect timeout as
 * its deadline. While the host is down, requests waiting on it are aborted ({@link EvictionReason#HOST_DOWN}), idle
 * connections to it are probed at once, and a borrower that would wait for a new connection fails at once. It is
 * checked again every heartbeat interval, and anything that answers re-admits it.
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
    private final LongAdder timesDown = new LongAdder();
    private final LongAdder checks = new LongAdder();
    private volatile String name;
    /** For the borrow path: one volatile read while the host is up. */
    private volatile boolean down;
    private volatile boolean closed;

    HostWatch(PoolBinding binding, ConnectionFactory connector, LivenessConfig config, HeartbeatScheduler scheduler) {
        this.binding = binding;
        this.connector = connector;
        this.name = connector.target();
        long interval = config.heartbeatInterval().toNanos();
        this.health = new HostHealth(name, interval, interval, System.nanoTime());
        this.checkDeadlineNanos = config.connectTimeout().toNanos();
        this.graceNanos = Math.min(config.watchdogInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(500));
        this.validSeconds = (int) Math.max(1, config.connectTimeout().toSeconds());
        this.recheck = scheduler.every(config.heartbeatInterval(), this::recheck);
    }

    /** The host's name from a connection's far end, once one is open. */
    void named(String hostKey) {
        name = hostKey;
    }

    /** Down, past the grace (one volatile read while up). */
    boolean down() {
        return down && health.confirmed(System.nanoTime(), graceNanos);
    }

    // ---- evidence ----------------------------------------------------------------------------------------------

    void answered(long nowNanos) {
        long downSince = health.downSinceNanos();
        if (health.answered(nowNanos)) {
            up(downSince, nowNanos);
        }
    }

    void probeTimedOut(long startNanos, long nowNanos) {
        if (health.probeUnanswered(startNanos, nowNanos)) {
            check(nowNanos);
        }
    }

    void connectFailed(long startNanos, SQLException e) {
        if (!noAnswer(e)) {
            answered(System.nanoTime()); // the server spoke: too many connections, bad credentials, ...
            return;
        }
        long now = System.nanoTime();
        wentDown(health.freshConnectionUnanswered(startNanos, now, "a new connection from the pool failed after "
                + TimeUnit.NANOSECONDS.toMillis(now - startNanos) + " ms: " + e.getMessage(), false));
    }

    /**
     * Whether a failed connect got no answer from the server: refused, timed out, no route, or a connection error
     * (SQLState 08xxx) other than the server's own refusal (08004: too many connections). A server that answers
     * with an error is not hung or unreachable.
     */
    static boolean noAnswer(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        String state = e.getSQLState();
        return state != null && state.startsWith("08") && !state.equals("08004");
    }

    /** The watchdog saw {@code t}'s driver waiting for an answer since {@code sinceNanos}, in lease {@code epoch}. */
    void requestWaiting(TrackedConnection t, long epoch, long sinceNanos, long nowNanos) {
        if (health.requestWaiting(sinceNanos, nowNanos)) {
            check(nowNanos);
        }
        if (health.waitsOnDownHost(sinceNanos, nowNanos, graceNanos)) {
            binding.abortOnDownHost(t, epoch, "its request waited " + TimeUnit.NANOSECONDS.toMillis(nowNanos
                    - sinceNanos) + " ms for an answer from host " + name + ", judged down: " + health.evidence(),
                    nowNanos);
        }
    }

    // ---- checks ------------------------------------------------------------------------------------------------

    private void recheck() {
        if (!closed && health.recheckDue(System.nanoTime())) {
            check(System.nanoTime());
        }
    }

    /** Opens a connection of its own to the host; no answer within the connect timeout makes the host down. */
    private void check(long startNanos) {
        if (closed) {
            health.checkAnswered(startNanos, startNanos); // releases the claim; a closed pool judges nothing
            return;
        }
        checks.increment();
        Executor ownThread = r -> {
            Thread thread = new Thread(r, binding.poolName() + "-host-check");
            thread.setDaemon(true);
            thread.start();
        };
        CompletableFuture.supplyAsync(this::openAndAsk, ownThread)
                .orTimeout(checkDeadlineNanos, TimeUnit.NANOSECONDS)
                .whenCompleteAsync((answer, failure) -> { // off the JDK's shared timeout thread
                    long now = System.nanoTime();
                    if (failure == null && answer == null) {
                        long downSince = health.downSinceNanos();
                        if (health.checkAnswered(startNanos, now)) {
                            up(downSince, now);
                        }
                        return;
                    }
                    String why = failure instanceof TimeoutException
                            ? "a new connection got no answer within " + TimeUnit.NANOSECONDS.toMillis(checkDeadlineNanos)
                                    + " ms (connectTimeout)"
                            : "a new connection failed: " + (answer != null ? answer : rootMessage(failure));
                    wentDown(health.freshConnectionUnanswered(startNanos, now, why, true));
                }, binding.maintenance());
    }

    /** @return null when the host answered, else what went wrong */
    private String openAndAsk() {
        try (Connection c = connector.openUnpooled()) {
            if (c.isValid(validSeconds)) {
                answered(System.nanoTime()); // also after the deadline: a late answer still re-admits the host
                return null;
            }
            return "isValid was false";
        } catch (SQLException e) {
            return noAnswer(e) ? e.getMessage() : null; // an error from the server is an answer
        }
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    // ---- verdicts ----------------------------------------------------------------------------------------------

    private void wentDown(boolean becameDown) {
        if (!becameDown || closed) {
            return;
        }
        down = true;
        timesDown.increment();
        long now = System.nanoTime();
        binding.events().hostDown(name, health.evidence(), now);
        binding.hostWentDown(now);
    }

    private void up(long downSinceNanos, long nowNanos) {
        down = false;
        binding.events().hostUp(name, Duration.ofNanos(nowNanos - downSinceNanos), nowNanos);
    }

    /** For a borrower that would wait for a new connection while the host is down. */
    SQLException downException() {
        return new SQLTransientConnectionException(binding.poolName() + " - database host " + name
                + " is judged down (" + health.evidence() + "): failing at once instead of waiting connectionTimeout "
                + "for a new connection; the next borrow after it answers again succeeds", "08001");
    }

    LivenessStats.Host stats() {
        boolean isDown = health.down();
        return new LivenessStats.Host(name, isDown, isDown ? health.evidence() : null, timesDown.sum(), checks.sum());
    }

    @Override
    public void close() {
        closed = true;
        recheck.cancel();
        LOG.debug("{} - host watch closed", binding.poolName());
    }
}
