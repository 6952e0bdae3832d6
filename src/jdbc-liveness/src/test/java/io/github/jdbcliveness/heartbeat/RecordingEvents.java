package io.github.jdbcliveness.heartbeat;

import java.util.ArrayList;
import java.util.List;

/** Remembers what the heartbeat said about itself. */
final class RecordingEvents implements HeartbeatEvents {

    final List<Long> stalls = new ArrayList<>();
    final List<Probeable> reprobed = new ArrayList<>();

    @Override
    public void stalled(long lagNanos) {
        stalls.add(lagNanos);
    }

    @Override
    public void reprobedAfterStall(Probeable p) {
        reprobed.add(p);
    }
}
