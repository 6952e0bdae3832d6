package io.github.jdbcliveness.keepalive;

import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;

/**
 * MySQL Connector/J's {@code socketFactory}. Connector/J instantiates it without arguments and drops unknown
 * connection properties, so the settings come from the connect capture of the thread that connects; a socket
 * opened elsewhere (Connector/J's own cancel connection) keeps Connector/J's defaults. Internal: installed by
 * {@code KeepaliveDataSource}.
 */
public final class MysqlKeepaliveSocketFactory extends StandardSocketFactory {

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
