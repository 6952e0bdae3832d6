package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Carries the keepalive settings into a driver's connect on the calling thread and collects the sockets the
 * driver opened there. JDBC drivers connect synchronously on the caller's thread, and Connector/J drops
 * properties it does not know, so a thread-local is the one path that reaches its socket factory.
 */
final class ConnectCapture {

    private static final ThreadLocal<ConnectCapture> CURRENT = new ThreadLocal<>();

    private final KeepaliveSettings settings;
    private final ConnectCapture outer;
    private final List<Socket> sockets = new ArrayList<>(2);

    private ConnectCapture(KeepaliveSettings settings, ConnectCapture outer) {
        this.settings = settings;
        this.outer = outer;
    }

    static ConnectCapture begin(KeepaliveSettings settings) {
        ConnectCapture capture = new ConnectCapture(settings, CURRENT.get());
        CURRENT.set(capture);
        return capture;
    }

    /** Settings for a socket factory running inside {@link KeepaliveConnector#connect}, if it is. */
    static Optional<KeepaliveSettings> currentSettings() {
        ConnectCapture capture = CURRENT.get();
        return capture == null ? Optional.empty() : Optional.of(capture.settings);
    }

    static void record(Socket socket) {
        ConnectCapture capture = CURRENT.get();
        if (capture != null) {
            capture.sockets.add(socket);
        }
    }

    void end() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /**
     * The socket the connection ended up on: the last one connected that is still open (a driver may have tried
     * other hosts or addresses first).
     */
    Optional<Socket> connectedSocket() {
        for (int i = sockets.size() - 1; i >= 0; i--) {
            if (!sockets.get(i).isClosed()) {
                return Optional.of(sockets.get(i));
            }
        }
        return Optional.empty();
    }
}
