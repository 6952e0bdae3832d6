package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sets and reads back per-socket keepalive through the JDK's extended socket options. */
final class SocketKeepalive {

    private static final Logger LOG = LoggerFactory.getLogger(SocketKeepalive.class);
    private static final Set<SocketOption<?>> PER_SOCKET = Set.of(ExtendedSocketOptions.TCP_KEEPIDLE,
            ExtendedSocketOptions.TCP_KEEPINTERVAL, ExtendedSocketOptions.TCP_KEEPCOUNT);
    private static final AtomicBoolean WARNED_UNSUPPORTED = new AtomicBoolean();

    private SocketKeepalive() {
    }

    static boolean perSocketSupported(Socket socket) {
        return socket.supportedOptions().containsAll(PER_SOCKET);
    }

    /**
     * Switches {@code SO_KEEPALIVE} on and sets idle / interval / count. Where the platform lacks the per-socket
     * options, says so once and leaves the system's keepalive timing in force.
     */
    static void apply(Socket socket, KeepaliveSettings settings) throws IOException {
        socket.setKeepAlive(true);
        if (!perSocketSupported(socket)) {
            warnUnsupportedOnce();
            return;
        }
        socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, settings.idleSeconds());
        socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, settings.intervalSeconds());
        socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, settings.count());
    }

    static void warnUnsupportedOnce() {
        if (WARNED_UNSUPPORTED.compareAndSet(false, true)) {
            LOG.warn("TCP_KEEPIDLE / TCP_KEEPINTERVAL / TCP_KEEPCOUNT are not supported by this JDK on {} {}: "
                    + "falling back to plain SO_KEEPALIVE with the system's timing (Linux default: 2 h 11 min). "
                    + "Dead peers of idle connections are then found by heartbeats only.",
                    System.getProperty("os.name"), System.getProperty("os.version"));
        }
    }

    /** What the kernel holds for this socket now. Never throws: unreadable values come back as -1. */
    static AppliedKeepalive readBack(Socket socket, KeepaliveSettings requested) {
        InetSocketAddress local = socket.getLocalSocketAddress() instanceof InetSocketAddress l ? l : null;
        InetSocketAddress remote = socket.getRemoteSocketAddress() instanceof InetSocketAddress r ? r : null;
        boolean supported = perSocketSupported(socket);
        boolean on = false;
        int idle = -1;
        int interval = -1;
        int count = -1;
        try {
            on = socket.getKeepAlive();
            if (supported) {
                idle = socket.getOption(ExtendedSocketOptions.TCP_KEEPIDLE);
                interval = socket.getOption(ExtendedSocketOptions.TCP_KEEPINTERVAL);
                count = socket.getOption(ExtendedSocketOptions.TCP_KEEPCOUNT);
            }
        } catch (IOException e) {
            LOG.debug("could not read keepalive back from {}", socket, e);
        }
        return new AppliedKeepalive(local, remote, on, idle, interval, count, supported, requested);
    }
}
