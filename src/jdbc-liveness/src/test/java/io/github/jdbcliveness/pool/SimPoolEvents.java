package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.LivenessListener;
import io.github.jdbcliveness.LivenessStats;
import java.util.List;
import java.util.Map;

/** The real {@link PoolEvents} (one pool's counters and listeners), opened up for the simulator. Test code. */
public final class SimPoolEvents {

    private final PoolEvents events;

    public SimPoolEvents(String poolName) {
        this.events = new PoolEvents(poolName);
    }

    PoolEvents events() {
        return events;
    }

    public void addListener(LivenessListener l) {
        events.addListener(l);
    }

    public void opened(ConnectionRef ref) {
        events.opened(ref, null);
    }

    public void probeStarted() {
        events.probeStarted();
    }

    public void borrowWaitedForProbe() {
        events.borrowWaitedForProbe();
    }

    public void deadRemoved() {
        events.deadRemoved();
    }

    public LivenessStats stats(int tracked) {
        return events.stats(tracked, 0, 0, null, new LivenessStats.Watchdog(true, true, 0, 0,
                java.time.Duration.ZERO), new LivenessStats.Host("db", false, null, 0, 0), List.of(), Map.of());
    }
}
