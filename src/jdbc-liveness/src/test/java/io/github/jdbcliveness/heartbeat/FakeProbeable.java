package io.github.jdbcliveness.heartbeat;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * A pooled connection as the heartbeat sees it, with no network: it records every call with the fake time it was
 * made at, answers probes as told (or never, when {@code silent}), and refuses a probe while "leased".
 * Single-threaded, like the tests that use it (probes run on a {@link ManualExecutor}).
 */
final class FakeProbeable implements Probeable {

    enum Answer { PASS, FAIL, THROW }

    record Ended(long token, long startNanos, long endNanos) {
    }

    private final String name;
    private final String hostKey;
    private final long intervalNanos;
    private final long probeTimeoutNanos;
    private final LongSupplier now;
    private final ManualExecutor executor;

    long lastAliveNanos;
    boolean leased;
    boolean retired;
    Answer answer = Answer.PASS;
    /** Its probes never answer: the executor keeps them queued. */
    boolean silent;

    private long nextToken = 1;
    private long openToken = -1;

    /** When {@link #tryStartProbe} was called, whatever it returned. */
    final List<Long> lookedAt = new ArrayList<>();
    /** When a probe was actually started (a token handed out). */
    final List<Long> probeStarts = new ArrayList<>();
    /** When {@link #probe} ran, on the executor. */
    final List<Long> probesRun = new ArrayList<>();
    /** Every call, whether or not its token still owned the connection. */
    final List<Ended> passed = new ArrayList<>();
    final List<Ended> failed = new ArrayList<>();
    final List<Throwable> failureCauses = new ArrayList<>();
    final List<Ended> timedOut = new ArrayList<>();
    /** Probes that ran while the connection was leased: must stay empty. */
    final List<Long> probedWhileLeased = new ArrayList<>();

    FakeProbeable(String name, String hostKey, long intervalNanos, long probeTimeoutNanos, long lastAliveNanos,
            LongSupplier now, ManualExecutor executor) {
        this.name = name;
        this.hostKey = hostKey;
        this.intervalNanos = intervalNanos;
        this.probeTimeoutNanos = probeTimeoutNanos;
        this.lastAliveNanos = lastAliveNanos;
        this.now = now;
        this.executor = executor;
    }

    @Override
    public String hostKey() {
        return hostKey;
    }

    @Override
    public long intervalNanos() {
        return intervalNanos;
    }

    @Override
    public long probeTimeoutNanos() {
        return probeTimeoutNanos;
    }

    @Override
    public long lastAliveNanos() {
        return lastAliveNanos;
    }

    @Override
    public long tryStartProbe() {
        lookedAt.add(now.getAsLong());
        if (leased || retired || openToken >= 0) {
            return -1;
        }
        openToken = nextToken++;
        probeStarts.add(now.getAsLong());
        executor.nextTaskIsFor(this);
        return openToken;
    }

    @Override
    public boolean probe(long token) throws Exception {
        probesRun.add(now.getAsLong());
        if (leased) {
            probedWhileLeased.add(now.getAsLong());
        }
        return switch (answer) {
            case PASS -> true;
            case FAIL -> false;
            case THROW -> throw new SQLException("connection reset (fake)");
        };
    }

    @Override
    public boolean probing(long token) {
        return token == openToken;
    }

    @Override
    public void probePassed(long token, long startNanos, long endNanos) {
        passed.add(new Ended(token, startNanos, endNanos));
        if (token == openToken) {
            openToken = -1;
            lastAliveNanos = endNanos;
        }
    }

    @Override
    public void probeFailed(long token, Throwable cause, long startNanos, long endNanos) {
        failed.add(new Ended(token, startNanos, endNanos));
        failureCauses.add(cause);
        if (token == openToken) {
            openToken = -1;
            retired = true;
        }
    }

    @Override
    public void probeTimedOut(long token, long startNanos, long nowNanos) {
        timedOut.add(new Ended(token, startNanos, nowNanos));
        if (token == openToken) {
            openToken = -1;
            retired = true;
        }
    }

    @Override
    public boolean retired() {
        return retired;
    }

    @Override
    public String toString() {
        return name;
    }
}
