package io.github.jdbcliveness.keepalive;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * The driver's input from a {@link KeepaliveSocket}: bytes a {@link #peek()} took from the kernel first, in order, then
 * the channel. The channel is non-blocking; a read that finds nothing waits in {@link ChannelWait} for at most the
 * socket's {@code soTimeout}, as a plain socket's read blocks.
 *
 * <p>The buffer and every read of the channel are under {@code this} lock, so a peek and a driver's read can never
 * take bytes out of order; the wait for data is not, so a thread that closes the socket is never held up by a reader.
 */
final class PeekableInput extends InputStream {

    /** The push-back buffer's size at first; it grows up to {@link KeepaliveSocket#PEEK_CAPACITY} when a peek fills it. */
    private static final int FIRST_CAPACITY = 256;

    private final KeepaliveSocket socket;
    private final SocketChannel channel;
    private final InputStream adaptor; // for available() only: the JDK's count of bytes waiting in the kernel
    private final ChannelWait readable;
    private byte[] pending; // allocated at the first peek that finds data
    private int pos;
    private int limit;
    private boolean eof;
    private String failure;
    /** When the driver's thread went into a read ({@link System#nanoTime()}), or 0 while it is not in one. */
    private volatile long readingSince;
    /** When a read that returned bytes from the peer began ({@link System#nanoTime()}), or 0. */
    private volatile long receivedAt;

    PeekableInput(KeepaliveSocket socket, SocketChannel channel, InputStream adaptor, ChannelWait readable) {
        this.socket = socket;
        this.channel = channel;
        this.adaptor = adaptor;
        this.readable = readable;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long start = System.nanoTime();
        readingSince = start;
        long timeout = socket.soTimeoutNanos(); // read once: one deadline for the whole call, however often it wakes
        try {
            ByteBuffer into = null;
            while (true) {
                int n;
                synchronized (this) {
                    if (pos < limit) {
                        n = Math.min(len, limit - pos);
                        System.arraycopy(pending, pos, b, off, n);
                        pos += n;
                        return n;
                    }
                    if (eof) {
                        return -1;
                    }
                    if (failure != null) {
                        // What a peek found (a reset, a keepalive timeout): the kernel reports a socket error once,
                        // so a read after it would see an end of stream instead.
                        throw new SocketException(failure);
                    }
                    if (into == null) {
                        // At most MAX_READ at a time, as a plain socket reads: the JDK copies through a temporary
                        // direct buffer of the read's size, which it keeps per thread.
                        into = ByteBuffer.wrap(b, off, Math.min(len, KeepaliveSocket.MAX_IO));
                    }
                    n = readChannel(into);
                }
                if (n > 0) {
                    receivedAt = start; // the read's start: no second clock read on the I/O path
                    return n;
                }
                if (n < 0) {
                    return -1;
                }
                long left = timeout == 0 ? 0 : start + timeout - System.nanoTime();
                if (timeout != 0 && left <= 0 || !readable.await(left, socket)) {
                    throw new SocketTimeoutException("Read timed out");
                }
            }
        } finally {
            readingSince = 0;
        }
    }

    private int readChannel(ByteBuffer into) throws IOException {
        try {
            return channel.read(into);
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        }
    }

    long readingSince() {
        return readingSince;
    }

    long receivedAt() {
        return receivedAt;
    }

    @Override
    public int available() throws IOException {
        synchronized (this) {
            int buffered = limit - pos;
            if (eof) {
                return buffered;
            }
            return buffered + adaptor.available();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close(); // closes the socket, as closing a plain socket's stream does
    }

    /**
     * Takes what waits in the kernel (at most {@link KeepaliveSocket#PEEK_CAPACITY} bytes in the buffer) without
     * blocking, and notes a FIN or a reset: one system call when nothing waits.
     */
    synchronized Peek peek() {
        if (eof || failure != null) {
            return closed();
        }
        if (pending == null) {
            pending = new byte[FIRST_CAPACITY]; // every borrow peeks: most connections never need more
        } else if (pos > 0) {
            System.arraycopy(pending, pos, pending, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        try {
            while (true) {
                if (limit == pending.length) {
                    if (pending.length >= KeepaliveSocket.PEEK_CAPACITY) {
                        break;
                    }
                    pending = Arrays.copyOf(pending, Math.min(2 * pending.length, KeepaliveSocket.PEEK_CAPACITY));
                }
                int n = channel.read(ByteBuffer.wrap(pending, limit, pending.length - limit));
                if (n > 0) {
                    limit += n;
                } else {
                    eof = n < 0;
                    break;
                }
            }
        } catch (ClosedChannelException e) {
            return Peek.UNKNOWN; // closed by us
        } catch (IOException e) {
            // A reset (or a keepalive timeout) surfaces here; the channel remembers a reset, so the driver's next read
            // fails the same way.
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (eof || failure != null || pos < limit) {
            // A reader that found nothing a moment ago may be about to wait for what this peek just took.
            readable.wakeup();
        }
        if (eof || failure != null) {
            return closed();
        }
        return pos < limit ? Peek.data(pending[pos] & 0xff, limit - pos) : Peek.QUIET;
    }

    private Peek closed() {
        int waiting = limit - pos;
        return Peek.closed(waiting > 0 ? pending[pos] & 0xff : -1, waiting, failure != null ? failure : "EOF");
    }
}
