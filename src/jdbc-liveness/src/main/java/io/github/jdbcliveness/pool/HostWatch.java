package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.HostDownException;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.heartbeat.HeartbeatCore;
import io.github.jdbcliveness.host.HostHealth;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's host verdict, wired in: evidence from probes, HikariCP's connects and requests waiting for an answer goes
 * to {@link HostHealth}; a {@link HostCheck} opens a new connection of its own (not a pool entry) with the connect
 * timeout as its deadline ({@link HostCheckThread}). A verdict takes effect after a grace, if it still stands then:
 * requests waiting on the host are aborted ({@link EvictionReason#HOST_DOWN}), idle connections to it are probed at
 * once, borrowers that would wait for a new connection fail at once, and listeners hear of it. The host is checked
 * again every recheck period, and anything that answers re-admits it.
 *
 * <p>One verdict per host: a pool over a multi-host URL has one of these for each ({@link HostWatches}), whose
 * check opens a connection to its host alone. It knows the pool, its clock and its timers only as a {@link Pool},
 * and its check only as a {@link HostCheck}: the simulation runs this class itself, for its evidence, checks and
 * verdicts (not the half-open trial, nor what a borrower asks of it while the host is down).
 */
final class HostWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostWatch.class);
    /**
     * A borrower's trial handshake waits this many usual handshakes (a round trip each), with a floor for a busy
     * machine's scheduling and a cap: it holds up a borrower that would otherwise fail at once.
     */
    private static final int TRIAL_ROUND_TRIPS = 4;
    private static final long TRIAL_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long TRIAL_CAP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** At most a thousand trials a second, however short the round trip (loopback: tens of microseconds). */
    private static final long TRIAL_SPACING_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** What a verdict asks of the pool around it, with the clock and the timers it runs on. */
    interface Pool {

        String poolName();

        PoolEvents events();

        /** The verdict took effect: abort what waits on {@code host}, probe its idle connections, wake borrowers. */
        void wentDown(HostWatch host, long nowNanos);

        /** When the server last sent bytes on any of the pool's connections to {@code host}, or 0. */
        long lastReceivedNanos(HostWatch host);

        /** A dead path healed: the pool's connects whose handshakes began before then are aborted, to retry now. */
        void abortStalledHandshakes(long beganBeforeNanos);

        long nanoTime();

        /** Runs {@code task} on a maintenance thread once {@code delayNanos} have passed (dropped when shut down). */
        void after(long delayNanos, Runnable task);

        /** Runs {@code task} on the heartbeat's thread every {@code periodNanos}. */
        HeartbeatCore.Periodic every(long periodNanos, Runnable task);
    }

    private final Pool pool;
    private final HostCheck check;
    private final HostHealth health;
    /** How long a verdict waits before it takes effect: a late answer takes it back within this. */
    private final long graceNanos;
    /** How long a round trip may take: a check's handshake later than this before its end leaves no time to answer. */
    private final long probeTimeoutNanos;
    private final HeartbeatCore.Periodic recheck;
    /** Orders each transition of the verdict with what it publishes (the borrow flag, the events). */
    private final ReentrantLock publish = new ReentrantLock();
    private long timesDown;
    private long checks;
    private volatile String name;
    private volatile long lastFlowLookNanos;
    private final long flowLookSpacingNanos;
    /** For the borrow path: when the verdict in effect was reached, or 0 while there is none (one volatile read). */
    private volatile long downSince;
    private volatile boolean closed;
    /** The host's address from a connection's socket, for a borrower's trial handshake; null until one is seen. */
    private volatile InetSocketAddress address;
    /** A moving average of the TCP handshakes of the pool's connects (about one round trip), or 0. */
    private volatile long handshakeNanos;
    private final long trialCapNanos;
    /** The latest borrower's trial (half-open), for the borrowers that come while it runs. */
    private volatile CompletableFuture<Boolean> latestTrial;

    /** @param check its checks, made for this watch ({@link HostCheckThread} in a running pool) */
    HostWatch(Pool pool, String name, java.util.function.Function<HostWatch, HostCheck> check, LivenessConfig config) {
        this.pool = pool;
        this.name = name;
        this.check = check.apply(this);
        long interval = config.heartbeatInterval().toNanos();
        long recheckNanos = Math.max(interval, config.connectTimeout().toNanos());
        this.health = new HostHealth(name, interval, recheckNanos, pool.nanoTime());
        this.graceNanos = config.worstCases().verdictGrace().toNanos();
        this.probeTimeoutNanos = config.probeTimeout().toNanos();
        this.recheck = pool.every(recheckNanos, this::recheck);
        this.trialCapNanos = Math.min(config.connectTimeout().toNanos(), TRIAL_CAP_NANOS);
        this.flowLookSpacingNanos = interval;
    }

    /** The host's name from a connection's far end, once one is open. */
    void named(String hostKey) {
        name = hostKey;
    }

    /**
     * A connection opened to {@code remote} (null when no socket of ours saw it), its TCP handshake taking
     * {@code handshake} ns (0 when unknown): where a trial goes, and how long it waits.
     */
    void connected(InetSocketAddress remote, long handshake) {
        if (remote != null) {
            address = remote;
        }
        if (handshake > 0) {
            long avg = handshakeNanos; // racy by design: a lost update costs nothing
            handshakeNanos = avg == 0 ? handshake : avg + (handshake - avg) / 4;
        }
    }

    /** The host, as {@code address:port} of its connections (or as the URL names it before any). */
    String name() {
        return name;
    }

    /** What made the verdict, while one stands; else null. */
    String evidence() {
        return health.evidence();
    }

    /** Whether a verdict is in effect (reached, and past its grace). */
    boolean down() {
        return downSince != 0;
    }

    // ---- evidence ----------------------------------------------------------------------------------------------

    void answered(long nowNanos) {
        boolean pathHealed = false;
        publish.lock();
        try {
            long wasDownSince = health.downSinceNanos();
            boolean inEffect = downSince != 0;
            boolean pathWasSilent = health.pathSilent();
            if (health.answered(nowNanos)) {
                pathHealed = pathWasSilent;
                downSince = 0;
                if (inEffect) {
                    pool.events().hostUp(name, Duration.ofNanos(nowNanos - wasDownSince), nowNanos);
                }
            }
        } finally {
            publish.unlock();
        }
        if (pathHealed) {
            // Handshakes older than two usual ones sent their SYNs into the dead path: HikariCP retries them at once.
            // Younger ones are most likely the first after the heal, and get through on their own.
            pool.abortStalledHandshakes(nowNanos - 2 * Math.max(handshakeNanos, TRIAL_SPACING_FLOOR_NANOS));
        }
    }

    /**
     * Whether a probe that just timed out may look up its flow in the kernel's socket table (a read of
     * {@code /proc/net/tcp}): once per heartbeat interval per host, so that a wave of timeouts costs one read.
     */
    boolean looksAtFlow(long nowNanos) {
        long last = lastFlowLookNanos; // racy by design: two looks at once cost a read, nothing else
        if (last != 0 && nowNanos - last < flowLookSpacingNanos) {
            return false;
        }
        lastFlowLookNanos = nowNanos;
        return true;
    }

    /**
     * A probe started at {@code startNanos} got no answer.
     *
     * @param serverSilent its flow held the request acknowledged (the server's TCP answered, its process did not): the
     *                     server itself may hang, which no kernel evidence on a request's own flow can show
     */
    void probeTimedOut(long startNanos, long nowNanos, boolean serverSilent) {
        if (serverSilent) {
            health.serverSilent(nowNanos);
        }
        if (health.probeUnanswered(startNanos, nowNanos)) {
            check(nowNanos);
        }
    }

    /**
     * A new connection that may have gone to this host, started at {@code startNanos}, got no answer: checks the host
     * alone if nothing of it answered since.
     */
    void freshAttemptUnanswered(long startNanos, long nowNanos) {
        if (health.probeUnanswered(startNanos, nowNanos)) {
            check(nowNanos);
        }
    }

    void connectFailed(long startNanos, SQLException e, KeepaliveConnector.Attempt attempt) {
        long now = pool.nanoTime();
        ConnectOutcome outcome = ConnectOutcome.of(e, attempt, startNanos, now, probeTimeoutNanos);
        connectFailed(startNanos, now, outcome, outcome == ConnectOutcome.UNKNOWN ? e.toString()
                : e.getMessage(), ConnectOutcome.tcpSilent(attempt));
    }

    /** One of the pool's connects, started at {@code startNanos}, failed as {@code outcome} says. */
    void connectFailed(long startNanos, long nowNanos, ConnectOutcome outcome, String why, boolean tcpSilent) {
        switch (outcome) {
            case ANSWERED -> answered(nowNanos); // the server spoke: too many clients, bad credentials, a TLS alert
            case SILENT -> silent(startNanos, nowNanos, "a new connection from the pool failed after "
                    + TimeUnit.NANOSECONDS.toMillis(nowNanos - startNanos) + " ms: " + why, false, tcpSilent);
            case UNKNOWN -> LOG.debug("{} - a failed connect neither answered nor silent, not weighed: {}",
                    pool.poolName(), why);
        }
    }

    /**
     * A connection's driver waits for an answer since {@code sinceNanos}, as the watchdog saw.
     *
     * @param kernelCanWatch its own flow carries the requested keepalive, the in-flight watchdog sees it, and it is
     *                       not blocked writing ({@link WatchdogView#kernelCanWatch})
     * @return why its request must be aborted ({@link EvictionReason#HOST_DOWN}), or null
     */
    String requestWaiting(long sinceNanos, long nowNanos, boolean kernelCanWatch) {
        if (health.requestWaiting(sinceNanos, nowNanos)) {
            check(nowNanos);
        }
        // Only once the verdict took effect (published, counted, told): its own aborts come first, and the stats
        // never show a HOST_DOWN abort without the verdict behind it.
        if (downSince != 0 && health.waitsOnDownHost(sinceNanos, nowNanos, graceNanos)
                && !kernelWatches(kernelCanWatch)) {
            return "its request waited " + TimeUnit.NANOSECONDS.toMillis(nowNanos - sinceNanos)
                    + " ms for an answer from host " + name + ", judged down: " + health.evidence();
        }
        return null;
    }

    /**
     * Whether the verdict leaves a request to the kernel's evidence ({@link HostHealth#leavesRequestsToKernel}):
     * only if the kernel can watch its own flow, which ends it within B if its path is dead too; if its flow works
     * (only new flows are refused), the request is healthy and gets its answer, as under plain HikariCP. Not a request
     * blocked writing: keepalive does not run for it, and a shut window's probes back off to minutes (simulation seed
     * 424: a server that stopped reading an upload, then a dead path).
     */
    private boolean kernelWatches(boolean kernelCanWatch) {
        return health.pathSilent() && kernelCanWatch && health.leavesRequestsToKernel(pool.lastReceivedNanos(this));
    }

    // ---- checks ------------------------------------------------------------------------------------------------

    private void recheck() {
        long now = pool.nanoTime();
        if (!closed && health.recheckDue(now)) {
            check(now);
        }
    }

    /**
     * Starts a check of the host; no answer within the connect timeout makes the host down. The caller holds the
     * check's claim; it is released on every path.
     */
    private void check(long startNanos) {
        if (closed || !check.start(startNanos, new CheckReport(startNanos))) {
            health.checkNotStarted();
            return;
        }
        publish.lock();
        try {
            checks++;
        } finally {
            publish.unlock();
        }
    }

    /** What one check reports. */
    private final class CheckReport implements HostCheck.Result {

        private final long startNanos;
        /** Ended: what the check's thread finds after this, its end caused (its sockets closed), not the server. */
        private volatile boolean ended;

        CheckReport(long startNanos) {
            this.startNanos = startNanos;
        }

        @Override
        public void answered(long nowNanos, boolean roundTrip) {
            // A server (or a pooler) that answered the login and then hung must not take back the verdict its silence
            // just made, when the end's close of the sockets ends isValid with false (simulation seeds 1796688007845,
            // 1796688022768). A late round trip's answer re-admits the host.
            if (roundTrip || !ended) {
                HostWatch.this.answered(nowNanos);
            }
        }

        @Override
        public void ended(long nowNanos, ConnectOutcome outcome, String why, boolean tcpSilent, long handshakeAtNanos) {
            ended = true;
            checkEnded(startNanos, nowNanos, outcome, why, tcpSilent || handshakeTooLate(handshakeAtNanos, nowNanos));
        }
    }

    /**
     * Whether a silent check's TCP handshake completed only within the last probe timeout before the check ended: the
     * path was silent until then (its SYNs dropped, or this JVM stood still and saw the handshake late), and the server
     * had no fair time to answer, so the silence is the path's, not the server's. Simulation seeds 1796678014593 and
     * 1796681132431: after new connections hung, a check's SYN got through during a client stall, its deadline fired
     * as the stall ended, before the check could send a byte, and a healthy server was judged hung.
     */
    private boolean handshakeTooLate(long handshakeAtNanos, long nowNanos) {
        return handshakeAtNanos != 0 && nowNanos - handshakeAtNanos < probeTimeoutNanos;
    }

    private void checkEnded(long startNanos, long nowNanos, ConnectOutcome outcome, String why, boolean tcpSilent) {
        switch (outcome) {
            case ANSWERED -> {
                health.checkAnswered(nowNanos);
                answered(nowNanos);
            }
            case UNKNOWN -> health.checkNotStarted(); // proves nothing either way: the claim is released, no verdict
            default -> silent(startNanos, nowNanos, why, true, tcpSilent);
        }
    }

    // ---- verdicts ----------------------------------------------------------------------------------------------

    /** A fresh connection got no answer: may make the host down, with effect after the grace. */
    private void silent(long startNanos, long nowNanos, String why, boolean fromCheck, boolean tcpSilent) {
        long heard = pool.lastReceivedNanos(this); // its connection in use that was answered meanwhile: not silence
        if (heard != 0) {
            health.heard(heard);
        }
        if (!health.freshConnectionUnanswered(startNanos, nowNanos, why, fromCheck, tcpSilent) || closed) {
            return;
        }
        long verdict = health.verdict();
        pool.after(graceNanos, () -> takeEffect(verdict));
    }

    /** The verdict, still standing after the grace: publish it, abort what waits on the host, probe its idle ones. */
    private void takeEffect(long verdict) {
        try {
            long now = pool.nanoTime();
            publish.lock();
            try {
                if (closed || !health.stands(verdict, now, graceNanos)) {
                    return; // taken back by an answer within the grace
                }
                downSince = health.downSinceNanos();
                timesDown++;
                pool.events().hostDown(name, health.evidence(), now);
            } finally {
                publish.unlock();
            }
            pool.wentDown(this, now);
        } catch (RuntimeException e) {
            LOG.warn("{} - host verdict failed to take effect", pool.poolName(), e);
        }
    }

    /**
     * Half-open: a borrower that would fail at once because the host is down tries a TCP handshake with it first, if
     * the verdict says the path is what failed and no trial began within the last round trip (1 ms at least). The
     * handshake waits a few round trips (as the pool's own connects measured them; 10 to 500 ms). Completed, it is
     * the host's first answer after the heal and re-admits it, and this borrower goes on to HikariCP like any other;
     * otherwise it fails as before. A borrower that comes while the latest trial runs waits for its outcome, no
     * longer than its timeout: so while the host stays down a borrower fails within one trial timeout instead of at
     * once, and after the heal none fails that came later than a round trip after it.
     *
     * @return whether the host is up now
     */
    boolean tryWhileDown() {
        InetSocketAddress to = address;
        if (to == null || closed) {
            return !down();
        }
        if (!health.claimTrial(pool.nanoTime(), trialSpacingNanos())) {
            // A trial began within the last round trip: its answer, if the host is back, is the one this borrower
            // needs. Waiting for it costs no more than the trial's timeout, and no borrower fails after the heal.
            CompletableFuture<Boolean> running = latestTrial;
            if (running != null && !running.isDone()) {
                try {
                    running.get(trialTimeoutNanos(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // no answer in time: still down
                }
            }
            return !down();
        }
        CompletableFuture<Boolean> trial = new CompletableFuture<>();
        latestTrial = trial;
        boolean answered = false;
        try (Socket s = new Socket()) {
            // Nothing but the handshake, closed at once: PostgreSQL logs nothing for a connection that sends nothing.
            s.connect(to, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(trialTimeoutNanos())));
            answered = true;
        } catch (IOException e) {
            // no answer within the timeout, or refused (no server listens): still down
        } finally {
            health.trialEnded();
            if (answered) {
                answered(pool.nanoTime());
            }
            trial.complete(answered);
        }
        return !down();
    }

    /** A new trial may start this long after the last one: about one round trip. */
    long trialSpacingNanos() {
        return Math.max(TRIAL_SPACING_FLOOR_NANOS, handshakeNanos);
    }

    long trialTimeoutNanos() {
        long rtt = handshakeNanos;
        return Math.min(trialCapNanos, Math.max(TRIAL_FLOOR_NANOS, TRIAL_ROUND_TRIPS * rtt));
    }

    /** For a borrower that would wait for a new connection while the host is down. */
    SQLException downException() {
        String evidence = health.evidence();
        String why = evidence == null ? "a new connection got no answer" : evidence;
        return new HostDownException(pool.poolName() + " - database host " + name + " is judged down (" + why
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
        check.close(); // a check blocked on a hung server ends now
    }
}
