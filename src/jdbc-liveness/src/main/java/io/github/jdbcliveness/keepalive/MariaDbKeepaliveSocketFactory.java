package io.github.jdbcliveness.keepalive;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * MariaDB Connector/J's {@code socketFactory}. The driver sets keepalive itself from its own
 * {@code tcpKeepIdle} / {@code tcpKeepInterval} / {@code tcpKeepCount}; this factory only hands out sockets that
 * record themselves, so what the kernel holds can be read back. Internal: installed by
 * {@code KeepaliveDataSource}.
 *
 * <p>A plain {@link SocketFactory}: the driver accepts one and configures only a {@code ConfigurableSocketFactory},
 * whose package MariaDB's module does not export, so extending it would fail on the module path.
 */
public final class MariaDbKeepaliveSocketFactory extends SocketFactory {

    @Override
    public Socket createSocket() throws IOException {
        return new KeepaliveSocket(null);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw unconnectedOnly();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw unconnectedOnly();
    }

    private static IOException unconnectedOnly() {
        return new IOException("MariaDbKeepaliveSocketFactory hands out unconnected sockets only; "
                + "MariaDB Connector/J connects them itself");
    }
}
