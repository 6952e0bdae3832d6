package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.Waits;
import java.time.Duration;

/**
 * The fault of one drill: what it stands for, the layer it is made on, and when it was injected and healed. Get it
 * from {@link Drill#fault(FaultKind)} before you make the pool, so that the pool's connections take the path the
 * fault can reach. The drill heals it after the test if the test did not.
 */
public final class DrillFault {

    private final FaultKind kind;
    private final FaultLayer layer;
    private final FaultAction action;
    private final Runnable beforeInject;
    private volatile long injectedAt;
    private volatile long healedAt;

    DrillFault(FaultKind kind, FaultLayer layer, FaultAction action, Runnable beforeInject) {
        this.kind = kind;
        this.layer = layer;
        this.action = action;
        this.beforeInject = beforeInject;
    }

    public FaultKind kind() {
        return kind;
    }

    public FaultLayer layer() {
        return layer;
    }

    /** Makes the fault now. */
    public DrillFault inject() throws Exception {
        if (injectedAt != 0) {
            throw new IllegalStateException(kind + " is injected already; heal() it first");
        }
        beforeInject.run();
        long at = System.nanoTime(); // before the action: detection is counted from the moment it began
        action.inject();
        injectedAt = at;
        healedAt = 0;
        return this;
    }

    /** Ends the fault now. */
    public DrillFault heal() throws Exception {
        if (injectedAt == 0 || healedAt != 0) {
            throw new IllegalStateException(kind + " is not injected");
        }
        long at = System.nanoTime();
        action.heal();
        healedAt = at;
        return this;
    }

    /** Keeps the fault in force until {@code d} after its injection: the drill's scripted outage, not a wait. */
    public DrillFault keepFor(Duration d) {
        if (injectedAt == 0) {
            throw new IllegalStateException("inject() first");
        }
        Waits.parkUntil(injectedAt + d.toNanos());
        return this;
    }

    /** How long the fault has been in force, or was. */
    public Duration lasted() {
        long end = healedAt != 0 ? healedAt : System.nanoTime();
        return injectedAt == 0 ? Duration.ZERO : Duration.ofNanos(end - injectedAt);
    }

    /** {@code System.nanoTime()} at injection, or 0. */
    long injectedAtNanos() {
        return injectedAt;
    }

    /** {@code System.nanoTime()} at the heal, or 0. */
    long healedAtNanos() {
        return healedAt;
    }

    String describe() {
        return kind + " on " + layer + ": " + action.describe() + "\n    stands for " + kind.models() + "\n    "
                + (layer.kernelEvidence() ? "kernel evidence (keepalive, the in-flight watchdog) can see it"
                : "kernel keepalive and the in-flight watchdog cannot see it; heartbeats and the host verdict can");
    }

    /** Heals it if still in force, and frees what it holds. */
    void close() {
        try {
            if (injectedAt != 0 && healedAt == 0) {
                heal();
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not heal " + kind + " on " + layer, e);
        } finally {
            action.close();
        }
    }
}
