package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveSettings;
import io.github.jdbcliveness.KeepaliveSummary;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the sockets of one data source came out with, and warns once per kind of surprise (a socket that
 * differs from the request, a connection whose socket we never saw). Internal.
 */
public final class KeepaliveTally {

    private static final Logger LOG = LoggerFactory.getLogger(KeepaliveTally.class);

    private final KeepaliveSettings requested;
    private final String driverName;
    private final String redactedUrl;
    private final LongAdder connections = new LongAdder();
    private final LongAdder asRequested = new LongAdder();
    private final LongAdder differing = new LongAdder();
    private final LongAdder unsupported = new LongAdder();
    private final LongAdder notObserved = new LongAdder();
    private final AtomicReference<AppliedKeepalive> lastDiffering = new AtomicReference<>();
    private final AtomicBoolean warnedNotObserved = new AtomicBoolean();
    private final AtomicBoolean warnedDiffering = new AtomicBoolean();

    public KeepaliveTally(KeepaliveConnector connector) {
        this.requested = connector.settings();
        this.driverName = connector.driverName();
        this.redactedUrl = connector.redactedUrl();
    }

    /**
     * @param a what a new connection's socket carries, or null when no socket was seen; with keepalive left to the
     *          driver (no request) only connections and unseen sockets are counted
     */
    public void record(AppliedKeepalive a) {
        connections.increment();
        if (a == null) {
            notObserved.increment();
            warnOnce(warnedNotObserved, "no TCP socket of {} was seen for {}: keepalive could not be read back "
                    + "(a Unix domain socket, or a driver option that connects elsewhere)", driverName, redactedUrl);
        } else if (requested == null) {
            LOG.debug("keepalive left to the driver: {}", a);
        } else if (a.asRequested()) {
            asRequested.increment();
            LOG.debug("keepalive applied: {}", a);
        } else if (!a.perSocketSupported()) {
            unsupported.increment();
            SocketKeepalive.warnUnsupportedOnce();
        } else {
            differing.increment();
            lastDiffering.set(a);
            warnOnce(warnedDiffering, "keepalive on a new connection differs from the request: {} ({})", a,
                    redactedUrl);
        }
    }

    public KeepaliveSummary summary() {
        return new KeepaliveSummary(connections.sum(), asRequested.sum(), differing.sum(), unsupported.sum(),
                notObserved.sum(), requested, lastDiffering.get());
    }

    private static void warnOnce(AtomicBoolean warned, String format, Object a, Object b) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn(format, a, b);
        } else {
            LOG.debug(format, a, b);
        }
    }
}
