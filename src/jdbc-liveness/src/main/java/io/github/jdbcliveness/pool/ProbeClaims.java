package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.pool.LeaseState.State;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A connection's probes as its lease word sees them, and what their outcomes mean, whoever ran the round trip: the
 * heartbeat's claim, its start, and a pass (a sign of life, the host answered), a failure or a timeout (a verdict,
 * and the host's evidence). Each moves the {@link LeaseState} only with the word its claim gave it, so a late result
 * never touches a later lease or probe; a dead verdict goes to the {@link Verdicts}.
 *
 * <p>It knows nothing of threads or sockets: {@link ProbeTarget} runs the round trip in a pool, the simulation on
 * simulated time, and both hand the outcome here.
 *
 * @param <C> the connection it belongs to
 */
final class ProbeClaims<C extends Judged> {

    private final C connection;
    private final LeaseState state;
    private final PoolEvents events;
    private final Verdicts<C> verdicts;
    /** The verdict of the connection's host (looked up when needed: a multi-host pool learns it late). */
    private final Supplier<HostWatch> host;
    /** Whether the kernel holds everything the connection sent acknowledged; read before the abort closes it. */
    private final BooleanSupplier flowAcknowledged;
    /** Wakes the borrowers waiting for the probe's end. */
    private final Runnable ended;
    private volatile long lastAliveNanos;

    ProbeClaims(C connection, LeaseState state, PoolEvents events, Verdicts<C> verdicts, Supplier<HostWatch> host,
            BooleanSupplier flowAcknowledged, Runnable ended, long nowNanos) {
        this.connection = connection;
        this.state = state;
        this.events = events;
        this.verdicts = verdicts;
        this.host = host;
        this.flowAcknowledged = flowAcknowledged;
        this.ended = ended;
        this.lastAliveNanos = nowNanos;
    }

    /** When the server last answered: a probe's pass, or the application's last request. */
    long lastAliveNanos() {
        return lastAliveNanos;
    }

    /** At the end of a lease: the server's last answer to the application is a round trip as good as a probe. */
    void answered(long answeredNanos) {
        if (answeredNanos - lastAliveNanos > 0) {
            lastAliveNanos = answeredNanos;
        }
    }

    /** @see io.github.jdbcliveness.heartbeat.Probeable#tryStartProbe */
    long tryStartProbe() {
        return state.tryQueueProbe();
    }

    /** On the probe's thread: whether the probe may start (no borrower took the connection back meanwhile). */
    boolean start(long token) {
        if (!state.startQueued(token)) {
            ended.run();
            return false;
        }
        return true;
    }

    /** @see io.github.jdbcliveness.heartbeat.Probeable#probing */
    boolean probing(long token) {
        long w = state.word();
        return w == token || w == LeaseState.started(token);
    }

    /** @see io.github.jdbcliveness.heartbeat.Probeable#probePassed */
    void passed(long token, long startNanos, long endNanos) {
        if (state.passProbe(LeaseState.started(token))) {
            lastAliveNanos = endNanos;
            events.probePassed(connection.ref(), endNanos - startNanos);
            host.get().answered(endNanos);
        }
        ended.run();
    }

    /** Ends a claim that reached no verdict (no probe thread in time): idle again, with no new sign of life. */
    void abandon(long token) {
        state.passProbe(LeaseState.started(token));
        ended.run();
    }

    /** @see io.github.jdbcliveness.heartbeat.Probeable#probeFailed */
    void failed(long token, Throwable cause, long startNanos, long endNanos) {
        if (state.failProbe(LeaseState.started(token)) || state.failProbe(token)) {
            boolean wrongRole = cause instanceof WrongRoleException;
            if (wrongRole) {
                host.get().answered(endNanos); // the server is up: it answered, in the wrong role
            }
            verdicts.dead(connection, wrongRole ? EvictionReason.WRONG_ROLE : EvictionReason.PROBE_FAILED, cause,
                    endNanos - startNanos, endNanos);
        }
        ended.run();
    }

    /** @see io.github.jdbcliveness.heartbeat.Probeable#probeTimedOut */
    void timedOut(long token, long startNanos, long nowNanos) {
        if (state.failProbe(LeaseState.started(token))) {
            HostWatch watch = host.get();
            boolean serverSilent = watch.looksAtFlow(nowNanos) && flowAcknowledged.getAsBoolean(); // before the abort
            verdicts.dead(connection, EvictionReason.PROBE_TIMEOUT, null, nowNanos - startNanos, nowNanos);
            watch.probeTimedOut(startNanos, nowNanos, serverSilent);
        }
        ended.run();
    }

    /** @see io.github.jdbcliveness.heartbeat.Probeable#retired */
    boolean retired() {
        State s = state.state();
        return s == State.DEAD || s == State.CLOSED;
    }
}
