package io.github.jdbcliveness.keepalive;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;

/**
 * MySQL Connector/J's {@code socketFactory}. Connector/J instantiates it without arguments and drops unknown
 * connection properties, so the settings come from the connect capture of the thread that connects; a socket
 * opened elsewhere (Connector/J's own cancel connection) keeps Connector/J's defaults. Internal: installed by
 * {@code KeepaliveDataSource}.
 *
 * <p>It also bounds the handshake by {@code connectTimeout}: Connector/J's {@code connectTimeout} bounds only the TCP
 * connect, and its handshake reads wait for {@code socketTimeout} (0: forever) or the JVM-wide
 * {@code DriverManager} login timeout. Against a server that accepts and never answers a connect hung for more than
 * 120 s with {@code connectTimeout=2000}; pgjdbc gets {@code loginTimeout} for the same reason, and MariaDB
 * Connector/J's {@code connectTimeout} covers its handshake already.
 */
public final class MysqlKeepaliveSocketFactory extends StandardSocketFactory {

    @Override
    public <T extends Closeable> T connect(String host, int port, PropertySet props, int loginTimeout)
            throws IOException {
        Integer connectTimeout = props.getIntegerProperty(PropertyKey.connectTimeout).getValue();
        int handshake = connectTimeout == null ? 0 : connectTimeout;
        if (loginTimeout > 0 && (handshake == 0 || loginTimeout < handshake)) {
            handshake = loginTimeout;
        }
        return super.connect(host, port, props, handshake);
    }

    @Override
    protected Socket createSocket(PropertySet props) {
        try {
            return new KeepaliveSocket(ConnectCapture.currentSettings().orElse(null));
        } catch (IOException e) {
            // Connector/J's hook declares no IOException; opening a socket fails only when descriptors run out.
            throw new UncheckedIOException("could not open a socket", e);
        }
    }
}
