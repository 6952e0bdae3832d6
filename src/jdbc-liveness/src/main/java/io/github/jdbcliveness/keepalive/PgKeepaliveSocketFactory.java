package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory}: pgjdbc builds one per connection attempt with all connection properties, so
 * the keepalive values travel as properties ({@link KeepaliveProperties}) and also reach the connections pgjdbc
 * opens on other threads (cancel requests). Internal: installed by {@code KeepaliveDataSource}.
 */
public final class PgKeepaliveSocketFactory extends SocketFactory {

    private final KeepaliveSettings settings;
    private final long captureToken;

    public PgKeepaliveSocketFactory(Properties info) {
        this.settings = KeepaliveProperties.read(info).or(ConnectCapture::currentSettings).orElse(null);
        String token = info == null ? null : info.getProperty(ConnectCapture.TOKEN_PROPERTY);
        this.captureToken = token == null ? -1 : Long.parseLong(token);
    }

    @Override
    public Socket createSocket() throws IOException {
        return new KeepaliveSocket(settings, captureToken);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        try {
            if (local != null) {
                socket.bind(local);
            }
            socket.connect(remote);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }
}
