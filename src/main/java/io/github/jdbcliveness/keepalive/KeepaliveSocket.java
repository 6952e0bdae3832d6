package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;

/**
 * The plain TCP socket our socket factories hand to a driver. After connecting it applies the keepalive
 * settings (when it was given any: MariaDB Connector/J applies its own) and tells the connect capture of the
 * calling thread that it exists, so the data source can read back what the kernel holds.
 */
final class KeepaliveSocket extends Socket {

    private final KeepaliveSettings settings;
    private final long captureToken;

    /** @param settings keepalive to apply after connect, or null to only record the socket */
    KeepaliveSocket(KeepaliveSettings settings) {
        this(settings, -1);
    }

    /** @param captureToken the connect capture to report to when connecting on another thread, or -1 */
    KeepaliveSocket(KeepaliveSettings settings, long captureToken) {
        this.settings = settings;
        this.captureToken = captureToken;
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        super.connect(endpoint, timeout);
        if (settings != null) {
            SocketKeepalive.apply(this, settings);
        }
        if (captureToken >= 0) {
            ConnectCapture.record(captureToken, this);
        } else {
            ConnectCapture.record(this);
        }
    }
}
