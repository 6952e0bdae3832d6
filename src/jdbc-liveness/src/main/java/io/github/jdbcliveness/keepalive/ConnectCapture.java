package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries the keepalive settings into a driver's connect on the calling thread and collects the sockets the
 * driver opened for it. JDBC drivers connect on the caller's thread, and Connector/J drops properties it does not
 * know, so a thread-local is the one path that reaches its socket factory. pgjdbc connects on a thread of its own
 * when {@code loginTimeout} is set; its factory gets all properties, so a per-connect token
 * ({@link #TOKEN_PROPERTY}) finds the capture from there.
 */
final class ConnectCapture {

    static final String TOKEN_PROPERTY = "jdbcliveness.connectToken";

    private static final ThreadLocal<ConnectCapture> CURRENT = new ThreadLocal<>();
    private static final Map<Long, ConnectCapture> BY_TOKEN = new ConcurrentHashMap<>();
    private static final AtomicLong TOKENS = new AtomicLong();

    private final KeepaliveSettings settings;
    private final ConnectCapture outer;
    private final long token = TOKENS.incrementAndGet();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Sockets of this attempt whose TCP handshake began: one still under way may be aborted. */
    private final List<Socket> handshakes = new CopyOnWriteArrayList<>();

    private ConnectCapture(KeepaliveSettings settings, ConnectCapture outer) {
        this.settings = settings;
        this.outer = outer;
    }

    /** @param settings keepalive for the socket factories to apply, or null to only record the sockets */
    static ConnectCapture begin(KeepaliveSettings settings) {
        ConnectCapture capture = new ConnectCapture(settings, CURRENT.get());
        CURRENT.set(capture);
        BY_TOKEN.put(capture.token, capture);
        return capture;
    }

    long token() {
        return token;
    }

    /** Records a socket for the capture named by {@code token}, whatever thread connected it. */
    static void record(long token, Socket socket) {
        ConnectCapture capture = BY_TOKEN.get(token);
        if (capture != null) {
            capture.sockets.add(socket);
        } else {
            record(socket);
        }
    }

    /**
     * Settings for a socket factory running inside {@link KeepaliveConnector#connect}, if it is and keepalive is
     * tuned (a capture begun with null settings only records sockets).
     */
    static Optional<KeepaliveSettings> currentSettings() {
        ConnectCapture capture = CURRENT.get();
        return capture == null ? Optional.empty() : Optional.ofNullable(capture.settings);
    }

    /** A socket of the capture named by {@code token} begins its TCP handshake, whatever thread connects it. */
    static void handshaking(long token, Socket socket) {
        ConnectCapture capture = BY_TOKEN.get(token);
        if (capture != null) {
            capture.handshakes.add(socket);
        } else {
            handshaking(socket);
        }
    }

    static void handshaking(Socket socket) {
        ConnectCapture capture = CURRENT.get();
        if (capture != null) {
            capture.handshakes.add(socket);
        }
    }

    /**
     * Closes this attempt's sockets whose TCP handshake began before {@code beganBeforeNanos} and is still under way;
     * the driver's connect then fails at once.
     * @return how many
     */
    int abortHandshakes(long beganBeforeNanos) {
        int n = 0;
        for (Socket s : handshakes) {
            if (s instanceof KeepaliveSocket k && k.handshakeStartNanos() - beganBeforeNanos < 0 && !s.isConnected()
                    && !s.isClosed()) {
                try {
                    s.close();
                    n++;
                } catch (java.io.IOException e) {
                    // closed either way
                }
            }
        }
        return n;
    }

    /** Closes every socket of the attempt, connected or not: the check that opened them gave up on it. */
    void closeAll() {
        for (Socket s : handshakes) {
            try {
                s.close();
            } catch (java.io.IOException e) {
                // closed either way
            }
        }
    }

    static void record(Socket socket) {
        ConnectCapture capture = CURRENT.get();
        if (capture != null) {
            capture.sockets.add(socket);
        }
    }

    void end() {
        BY_TOKEN.remove(token);
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** Whether any socket of this attempt got connected (TCP answered), even if the connect failed later. */
    boolean anyConnected() {
        return !sockets.isEmpty();
    }

    /** How long the last completed TCP handshake of this attempt took (about one round trip), or 0. */
    long tcpConnectNanos() {
        for (int i = sockets.size() - 1; i >= 0; i--) {
            if (sockets.get(i) instanceof KeepaliveSocket k && k.connectNanos() > 0) {
                return k.connectNanos();
            }
        }
        return 0;
    }

    /** When the last completed TCP handshake of this attempt completed ({@link System#nanoTime()}), or 0. */
    long tcpConnectedAtNanos() {
        for (int i = sockets.size() - 1; i >= 0; i--) {
            if (sockets.get(i) instanceof KeepaliveSocket k && k.connectNanos() > 0) {
                return k.handshakeStartNanos() + k.connectNanos();
            }
        }
        return 0;
    }

    /**
     * When a socket of this attempt last read bytes from the server ({@link System#nanoTime()}, the read's start), or
     * 0 if none did. Kept after the sockets close: a connect the server refused with an error has still been
     * answered.
     */
    long answeredAtNanos() {
        long latest = 0;
        for (Socket s : sockets) {
            long at = s instanceof KeepaliveSocket k ? k.receivedAtNanos() : 0;
            if (at != 0 && (latest == 0 || at - latest > 0)) {
                latest = at;
            }
        }
        return latest;
    }

    /**
     * Since when a socket of this attempt has had the driver's read blocked on it ({@link System#nanoTime()}): the
     * earliest such read still waiting for the server, or 0 when none is.
     */
    long readingSinceNanos() {
        long earliest = 0;
        for (Socket s : sockets) {
            long since = s instanceof KeepaliveSocket k ? k.readingSinceNanos() : 0;
            if (since != 0 && (earliest == 0 || since - earliest < 0)) {
                earliest = since;
            }
        }
        return earliest;
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
