package io.github.jdbcliveness.keepalive;

/**
 * What a look at an idle connection's socket found, without a round trip and without taking anything from the
 * driver (see {@link SocketPeek#peek}). Whether waiting data means the server is closing the session depends on the
 * protocol: {@link DriverKind#closing(Peek)}.
 *
 * @param state        what was found
 * @param firstByte    the first byte waiting for the driver (0-255), or -1 when none is
 * @param bytesWaiting how many bytes wait for the driver in the push-back buffer (a peek takes at most
 *                     8 KiB from the kernel, so more may wait there)
 * @param detail       for {@link State#CLOSED}, how the socket ended ("EOF", or the error such as "Connection
 *                     reset"); otherwise null
 */
public record Peek(State state, int firstByte, int bytesWaiting, String detail) {

    public enum State {
        /** Nothing waiting: the server has not closed the connection, as far as this host's kernel knows. */
        QUIET,
        /** The server sent data nobody asked for; {@link Peek#firstByte()} says which message it starts. */
        DATA,
        /** The server closed the connection (FIN) or it failed (RST, keepalive timeout); data may wait before it. */
        CLOSED,
        /** Cannot tell: not one of our sockets, not connected, or closed or shut down by this side. */
        UNKNOWN
    }

    static final Peek QUIET = new Peek(State.QUIET, -1, 0, null);
    static final Peek UNKNOWN = new Peek(State.UNKNOWN, -1, 0, null);

    static Peek data(int firstByte, int bytesWaiting) {
        return new Peek(State.DATA, firstByte, bytesWaiting, null);
    }

    static Peek closed(int firstByte, int bytesWaiting, String detail) {
        return new Peek(State.CLOSED, firstByte, bytesWaiting, detail);
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    @Override
    public String toString() {
        return switch (state) {
            case QUIET, UNKNOWN -> state.name();
            case DATA -> "DATA (" + bytesWaiting + " bytes waiting, first " + describe(firstByte) + ")";
            case CLOSED -> "CLOSED (" + detail + (bytesWaiting > 0 ? ", after " + bytesWaiting + " bytes, first "
                    + describe(firstByte) : "") + ")";
        };
    }

    private static String describe(int b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }
}
