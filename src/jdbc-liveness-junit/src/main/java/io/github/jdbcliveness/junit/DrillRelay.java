package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.drill.TcpRelay;
import java.time.Duration;

/**
 * The drill's userspace relay, when its fault is made on {@link FaultLayer#RELAY}: the pool's connections pass
 * through it. The fault itself is the {@link DrillFault}'s; this adds what the fault kinds do not cover, a slow
 * path. {@link DrillFault#heal()} lifts both.
 */
public final class DrillRelay {

    private final TcpRelay relay;

    DrillRelay(TcpRelay relay) {
        this.relay = relay;
    }

    /** Delivers each chunk {@code oneWay} after it arrived; zero for none. Not negative. */
    public void latency(Duration oneWay) {
        relay.latency(oneWay);
    }

    /** Limits each connection, in each direction, to {@code bytesPerSecond} (positive). */
    public void bandwidth(long bytesPerSecond) {
        relay.bandwidth(bytesPerSecond);
    }

    /** Relayed connections open now. */
    public int connections() {
        return relay.connections();
    }

    /** Bytes delivered so far, both directions together. */
    public long bytesForwarded() {
        return relay.bytesForwarded();
    }

    /** What the relay does now: {@code passing}, {@code frozen}, ..., with latency and bandwidth. */
    @Override
    public String toString() {
        return relay.mode();
    }
}
