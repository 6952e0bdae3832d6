package io.github.jdbcliveness.keepalive;

import java.net.Socket;

/**
 * The borrow-time look at a connection's socket, for the pool layer: has the server already closed it (FIN, RST) or
 * sent what it sends before closing? No round trip, no blocking; costs a few system calls. Internal.
 */
public final class SocketPeek {

    private SocketPeek() {
    }

    /**
     * Looks at {@code socket} without blocking. Bytes found waiting stay readable for the driver, in order.
     *
     * <p>Call it only while no other thread reads or writes the socket (an idle connection, before it is handed
     * out): the look switches the socket to non-blocking mode for its few system calls, and waits for a thread
     * that is in the middle of an I/O call.
     *
     * @param socket the socket from {@code KeepaliveConnector.Connected.socket()}, or any other (or null)
     * @return {@link Peek.State#UNKNOWN} for a socket that is not one of ours
     */
    public static Peek peek(Socket socket) {
        return socket instanceof KeepaliveSocket k ? k.peek() : Peek.UNKNOWN;
    }

    /**
     * Bytes the kernel has taken from the driver's writes on {@code socket} so far, or -1 for a socket that is not
     * one of ours. Less the socket's {@code tx_queue}, it is how far the peer has acknowledged: the in-flight
     * watchdog's evidence of progress.
     */
    public static long bytesWritten(Socket socket) {
        return socket instanceof KeepaliveSocket k ? k.bytesWritten() : -1;
    }

    /**
     * Since when the driver's thread has waited on the peer of {@code socket} ({@link System#nanoTime()}): blocked
     * reading for an answer, or blocked writing while the peer's window stays shut; 0 while it does neither, or for
     * a socket that is not one of ours.
     */
    public static long waitingOnPeerSinceNanos(Socket socket) {
        return socket instanceof KeepaliveSocket k ? k.waitingOnPeerSinceNanos() : 0;
    }

    /**
     * Since when the driver's thread has been blocked writing to {@code socket} without the kernel taking a byte
     * ({@link System#nanoTime()}); 0 while it is not, or for a socket that is not one of ours.
     */
    public static long writeBlockedSinceNanos(Socket socket) {
        return socket instanceof KeepaliveSocket k ? k.writeBlockedSinceNanos() : 0;
    }

    /**
     * When the driver last read bytes from the peer on {@code socket} ({@link System#nanoTime()}): the server
     * answered then. 0 if never, or for a socket that is not one of ours.
     */
    public static long receivedAtNanos(Socket socket) {
        return socket instanceof KeepaliveSocket k ? k.receivedAtNanos() : 0;
    }
}
