package io.github.jdbcliveness.keepalive;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import org.mariadb.jdbc.Configuration;
import org.mariadb.jdbc.util.ConfigurableSocketFactory;

/**
 * MariaDB Connector/J's {@code socketFactory}. The driver sets keepalive itself from its own
 * {@code tcpKeepIdle} / {@code tcpKeepInterval} / {@code tcpKeepCount}; this factory only hands out sockets that
 * record themselves, so what the kernel holds can be read back. Internal: installed by
 * {@code KeepaliveDataSource}.
 */
public final class MariaDbKeepaliveSocketFactory extends ConfigurableSocketFactory {

    @Override
    public void setConfiguration(Configuration conf, String host) {
        // The driver applies its keepalive options itself; nothing to take from the configuration.
    }

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
