package io.github.jdbcliveness.keepalive;

import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * The driver's output to a {@link KeepaliveSocket}: writes to the non-blocking channel, waiting in {@link ChannelWait}
 * while the send buffer is full (no timeout, as on a plain socket), and counts what the kernel has taken so far.
 */
final class CountingOutput extends OutputStream {

    /**
     * A write hands the kernel at most this much at a time: the JDK copies a heap buffer into a temporary direct
     * buffer of the same size, which must stay small for a driver that writes a large COPY in one call.
     */
    static final int SLICE = 16 * 1024;

    private final KeepaliveSocket socket;
    private final SocketChannel channel;
    private final ChannelWait writable;
    /** Bytes the kernel has taken so far (the driver's writing thread only; read by others). */
    private volatile long written;
    /**
     * Since when the driver's write has waited for room in the send buffer without the kernel taking a byte
     * ({@link System#nanoTime()}), or 0 while it is not waiting: a peer whose window stays shut (a hung server that
     * stopped reading) holds the request as surely as one that does not answer.
     */
    private volatile long blockedSince;

    CountingOutput(KeepaliveSocket socket, SocketChannel channel, ChannelWait writable) {
        this.socket = socket;
        this.channel = channel;
        this.writable = writable;
    }

    long written() {
        return written;
    }

    long blockedSince() {
        return blockedSince;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ByteBuffer from = ByteBuffer.wrap(b, off, len);
        try {
            while (from.hasRemaining()) {
                int end = from.limit();
                from.limit(Math.min(end, from.position() + SLICE));
                int n = channel.write(from);
                from.limit(end);
                if (n > 0) {
                    written += n; // one writing thread per socket at a time: the driver's
                    if (blockedSince != 0) {
                        blockedSince = 0; // progress: the peer reads
                    }
                } else {
                    if (blockedSince == 0) {
                        blockedSince = System.nanoTime(); // only when the buffer is full: not on every write
                    }
                    writable.await(0, socket);
                }
            }
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        } finally {
            blockedSince = 0;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close(); // as closing a plain socket's stream does
    }
}
