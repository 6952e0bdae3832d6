package io.github.jdbcliveness.heartbeat;

/**
 * What the simulator ({@code io.github.jdbcliveness.sim}) needs of the heartbeat that only this package sees: the
 * ticker's constants, and the moment a probe thread starts a {@link HeartbeatCore} probe task. A simulated probe
 * starts on one event and ends on a later one (its answer), so the start ({@code ProbeTask.begin()}, from which its
 * deadline counts) is marked apart from the {@code run()} that reports the answer; {@code run()} marks the start
 * again, so the latency a passed probe reports is 0. Test code.
 */
public final class SimHeartbeatAccess {

    public static final long TICK_NANOS = HeartbeatScheduler.TICK_NANOS;
    public static final long STALL_NANOS = HeartbeatScheduler.STALL_NANOS;
    public static final long MAX_LEAD_NANOS = HeartbeatScheduler.MAX_LEAD_NANOS;

    private SimHeartbeatAccess() {
    }

    /** Marks a heartbeat probe task started now (its deadline runs from here); anything else is left alone. */
    public static void begin(Runnable task) {
        if (task instanceof HeartbeatCore.ProbeTask probe
                && probe.startedNanos() == HeartbeatCore.ProbeTask.NOT_STARTED) {
            probe.begin();
        }
    }

    /** Whether the task is a heartbeat probe (else: a periodic task, such as the in-flight watchdog). */
    public static boolean isProbe(Runnable task) {
        return task instanceof HeartbeatCore.ProbeTask;
    }
}
