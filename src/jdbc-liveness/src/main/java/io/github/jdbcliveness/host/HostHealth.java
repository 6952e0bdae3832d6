package io.github.jdbcliveness.host;

/**
 * What one pool knows of one database host, and its verdict: a pure function of the evidence and the times passed
 * in, unit-tested on fake time. Internal.
 *
 * <p>A probe that gets no answer proves one connection dead, not its host: a NAT may have dropped that flow while
 * new connections work. So the host is judged only by a <em>fresh</em> connection: a check (or HikariCP's own
 * refill) that opens a new connection and gets no answer within its deadline, started after the host last answered
 * anything, makes the host <em>down</em> (hung or unreachable). Any answer afterwards (a probe, a connect) brings it
 * back up. What asks for a check: a probe that got no answer although it started after the host's last answer, and
 * a request that has waited longer than the threshold while the host has answered nothing for as long.
 *
 * <p>Thread-safe (one lock per host; every call is a few field updates).
 */
public final class HostHealth {

    private final String host;
    private final long thresholdNanos;
    private final long recheckNanos;
    private long lastAnswerNanos;
    private boolean checkRunning;
    private long lastCheckStartNanos;
    private boolean checkedOnce;
    private boolean down;
    private long downSinceNanos;
    /** When the verdict was reached: it takes effect only after a grace, for an answer a moment late. */
    private long verdictAtNanos;
    /** Counts verdicts: an effect scheduled for one verdict does nothing once another has come. */
    private long verdicts;
    /** The start of the latest fresh connection that got no answer, while down. */
    private long latestSilentStartNanos;
    private String evidence;
    /**
     * Down, and no silent connection since the verdict got as far as a TCP handshake: the path is what failed (a
     * blackhole, a dead route, a host powered off), so a handshake that completes is the host answering again.
     */
    private boolean pathSilent;
    /** When a probe last found the server's process silent on a live flow ({@link #serverSilent}), or 0. */
    private long serverSilentAtNanos;
    /** Borrowers trying the host right now (half-open), and when the latest began. */
    private int trialsRunning;
    private long lastTrialStartNanos;
    private long trials;

    /**
     * @param thresholdNanos how long a request may wait, with the host silent as long, before the host is checked
     * @param recheckNanos   how often a host that is down (or doubtful) is checked again at most
     */
    public HostHealth(String host, long thresholdNanos, long recheckNanos, long nowNanos) {
        this.host = host;
        this.thresholdNanos = thresholdNanos;
        this.recheckNanos = recheckNanos;
        this.lastAnswerNanos = nowNanos;
    }

    public String host() {
        return host;
    }

    /** Something on this host answered (a probe passed, a connection opened). @return whether that re-admits it */
    public synchronized boolean answered(long nowNanos) {
        if (nowNanos - lastAnswerNanos > 0) {
            lastAnswerNanos = nowNanos;
        }
        if (!down) {
            return false;
        }
        down = false;
        evidence = null;
        pathSilent = false;
        return true;
    }

    /**
     * The server sent bytes at {@code atNanos} on a connection of the pool, leased ones included: any byte read is an
     * answer, so a fresh connection that started before it and got nothing cannot make the host down. It does not
     * re-admit a host that is down: the time is when the read began, possibly before the verdict's evidence.
     */
    public synchronized void heard(long atNanos) {
        if (atNanos - lastAnswerNanos > 0) {
            lastAnswerNanos = atNanos;
        }
    }

    /** A probe started at {@code startedNanos} got no answer. @return whether a check should start now */
    public synchronized boolean probeUnanswered(long startedNanos, long nowNanos) {
        return startedNanos - lastAnswerNanos > 0 && claimCheck(nowNanos);
    }

    /**
     * A request has waited for its answer since {@code waitingSinceNanos}.
     *
     * @return whether a check should start now: the request waited past the threshold and the host has answered
     *         nothing for as long, or the host is down and due for a recheck
     */
    public synchronized boolean requestWaiting(long waitingSinceNanos, long nowNanos) {
        boolean doubtful = nowNanos - waitingSinceNanos >= thresholdNanos
                && nowNanos - lastAnswerNanos >= thresholdNanos;
        return (doubtful || down) && claimCheck(nowNanos);
    }

    /** A host that is down is checked again now and then, so that it is re-admitted soon after it heals. */
    public synchronized boolean recheckDue(long nowNanos) {
        return down && claimCheck(nowNanos);
    }

    private boolean claimCheck(long nowNanos) {
        if (checkRunning || checkedOnce && nowNanos - lastCheckStartNanos < recheckNanos) {
            return false;
        }
        checkRunning = true;
        checkedOnce = true;
        lastCheckStartNanos = nowNanos;
        return true;
    }

    /** The check got its answer. @return whether that re-admits the host */
    public synchronized boolean checkAnswered(long nowNanos) {
        checkRunning = false;
        return answered(nowNanos);
    }

    /** A check could not even start (no thread): the claim is released, nothing is judged. */
    public synchronized void checkNotStarted() {
        checkRunning = false;
    }

    /**
     * A fresh connection started at {@code startedNanos} (a check's, or HikariCP's refill) got no answer in time; not
     * known whether its TCP handshake completed.
     *
     * @param fromCheck whether it was a check of ours (then the next check may start)
     * @return whether this makes the host down (it was up)
     */
    public synchronized boolean freshConnectionUnanswered(long startedNanos, long nowNanos, String why,
            boolean fromCheck) {
        return freshConnectionUnanswered(startedNanos, nowNanos, why, fromCheck, false);
    }

    /**
     * A fresh connection started at {@code startedNanos} (a check's, or HikariCP's refill) got no answer in time.
     *
     * @param fromCheck whether it was a check of ours (then the next check may start)
     * @param tcpSilent whether even its TCP handshake got no answer (our socket saw it never connect)
     * @return whether this makes the host down (it was up)
     */
    public synchronized boolean freshConnectionUnanswered(long startedNanos, long nowNanos, String why,
            boolean fromCheck, boolean tcpSilent) {
        if (fromCheck) {
            checkRunning = false;
        }
        if (startedNanos - lastAnswerNanos <= 0) {
            return false; // the host answered something after this attempt started
        }
        evidence = why;
        if (startedNanos - latestSilentStartNanos > 0 || !down) {
            latestSilentStartNanos = startedNanos;
        }
        if (down) {
            pathSilent &= tcpSilent; // a handshake that completed while down: the server hangs, not the path
            return false;
        }
        pathSilent = tcpSilent;
        down = true;
        downSinceNanos = startedNanos;
        verdictAtNanos = nowNanos;
        verdicts++;
        return true;
    }

    public synchronized boolean down() {
        return down;
    }

    /**
     * Half-open, as a circuit breaker's: while the host is down because nothing answered even a TCP handshake, a
     * borrower may try a handshake of its own instead of failing at once, so that the first one after the heal finds
     * the host back (and {@link #answered} re-admits it) within about one round trip, not at the next recheck. One
     * trial starts per {@code spacingNanos} (about one round trip): a trial that has run longer has most likely sent
     * its SYN into the dead path, and one sent now may be the first after the heal. Borrowers in between start
     * none of their own (the caller may let them wait for the latest trial's outcome). A host that completed a handshake while down (a hung server) lets nobody through: its kernel
     * answers handshakes while its server hangs, so only a real answer (a check's) re-admits it.
     *
     * @return whether the caller is to try: it then calls {@link #trialEnded()} whatever came of it
     */
    public synchronized boolean claimTrial(long nowNanos, long spacingNanos) {
        if (!down || !pathSilent || trialsRunning > 0 && nowNanos - lastTrialStartNanos < spacingNanos) {
            return false;
        }
        trialsRunning++;
        lastTrialStartNanos = nowNanos;
        trials++;
        return true;
    }

    /** A trial claimed by {@link #claimTrial} is over (an answer goes to {@link #answered} as well). */
    public synchronized void trialEnded() {
        trialsRunning--;
    }

    /**
     * A probe timed out at {@code nowNanos} on a flow whose bytes the kernel held acknowledged: the server's TCP
     * answered and its process did not. Evidence that the server itself may hang, until anything answers after it.
     */
    public synchronized void serverSilent(long nowNanos) {
        serverSilentAtNanos = nowNanos;
    }

    /**
     * Whether the verdict in effect leaves the requests waiting on the host to their own sockets' kernel evidence
     * (keepalive, the in-flight watchdog) instead of aborting them: not even a TCP handshake was answered (a dead
     * path, or only new flows refused), and no probe found the server's process silent without an answer from the host
     * since ({@code heardNanos}: the last byte read on any of its connections, or 0). A server that hangs answers
     * handshakes, or leaves a probe on a live flow unanswered: its requests are aborted.
     */
    public synchronized boolean leavesRequestsToKernel(long heardNanos) {
        if (!down || !pathSilent) {
            return false;
        }
        long silentAt = serverSilentAtNanos;
        return silentAt == 0 || lastAnswerNanos - silentAt > 0 || heardNanos != 0 && heardNanos - silentAt > 0;
    }

    /** Whether the host is down because not even a TCP handshake was answered (see {@link #claimTrial}). */
    public synchronized boolean pathSilent() {
        return down && pathSilent;
    }

    /** How many trials borrowers have run. */
    public synchronized long trials() {
        return trials;
    }

    /**
     * Whether a request waiting since {@code waitingSinceNanos} waits on a host that is down, proved by a fresh
     * connection that started after the request and got no answer.
     */
    public synchronized boolean waitsOnDownHost(long waitingSinceNanos, long nowNanos, long graceNanos) {
        return confirmed(nowNanos, graceNanos) && waitingSinceNanos - latestSilentStartNanos <= 0;
    }

    /**
     * Down, and for at least {@code graceNanos} already: a connect that missed its deadline by a few milliseconds
     * (a busy server) answers within the grace and takes the verdict back before it has harmed anything.
     */
    public synchronized boolean confirmed(long nowNanos, long graceNanos) {
        return down && nowNanos - verdictAtNanos >= graceNanos;
    }

    /** The number of the current verdict (it grows with each): to tell whether one still stands. */
    public synchronized long verdict() {
        return verdicts;
    }

    /** Whether verdict {@code n} still stands and has held for {@code graceNanos}. */
    public synchronized boolean stands(long n, long nowNanos, long graceNanos) {
        return verdicts == n && confirmed(nowNanos, graceNanos);
    }

    /** Since when the host is down ({@link System#nanoTime()}); meaningful only while {@link #down()}. */
    public synchronized long downSinceNanos() {
        return downSinceNanos;
    }

    /** What made the host down, or null while it is up. */
    public synchronized String evidence() {
        return evidence;
    }

    public synchronized long lastAnswerNanos() {
        return lastAnswerNanos;
    }
}
