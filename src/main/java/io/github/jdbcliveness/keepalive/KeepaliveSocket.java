package io.github.jdbcliveness.keepalive;

import io.github.jdbcliveness.KeepaliveSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;

/**
 * The plain TCP socket our socket factories hand to a driver. After connecting it applies the keepalive
 * settings (when it was given any: MariaDB Connector/J applies its own) and tells the connect capture of the
 * calling thread that it exists, so the data source can read back what the kernel holds.
 *
 * <p>It is backed by a {@link SocketChannel} so that {@link #peek()} can look at the socket without blocking: a
 * plain {@code Socket} cannot read without blocking, and {@code available()} cannot see a FIN. Every public method
 * is delegated to the JDK's socket adaptor ({@code channel.socket()}), so drivers keep a blocking socket with
 * working {@code soTimeout}; {@link #getChannel()} still answers null so no driver switches to NIO behind our back.
 * The driver reads through a push-back stream: whatever a peek took from the kernel is served first, in order.
 *
 * <p>Two differences from a plain socket, both from the channel underneath: an interrupt that arrives while a thread
 * is blocked reading or writing closes the socket (the driver then fails the connection, which the pool evicts);
 * an interrupt already pending when the driver starts an I/O call does not (it is set aside for the call and
 * restored afterwards), as on a plain socket.
 */
final class KeepaliveSocket extends Socket {

    /** Bound on what one peek takes from the kernel; a waiting termination message is far shorter. */
    static final int PEEK_CAPACITY = 8192;

    private final KeepaliveSettings settings;
    private final long captureToken;
    private final SocketChannel channel;
    private final Socket adaptor;
    private final Object streamLock = new Object();
    /** Created once under {@link #streamLock}; volatile so that the watchdog's look reads it without the lock. */
    private volatile PeekableInput input;
    private GuardedOutput output;
    /** When the TCP handshake began ({@link System#nanoTime()}), or 0. */
    private volatile long handshakeStartNanos;
    /** How long the TCP handshake took: about one round trip to the host. Set once, before the capture sees it. */
    private volatile long connectNanos;
    /** Bytes the kernel has taken from the driver's writes so far (the driver's writing thread only; read by others). */
    private volatile long written;

    /** @param settings keepalive to apply after connect, or null to only record the socket */
    KeepaliveSocket(KeepaliveSettings settings) throws IOException {
        this(settings, -1);
    }

    /** @param captureToken the connect capture to report to when connecting on another thread, or -1 */
    KeepaliveSocket(KeepaliveSettings settings, long captureToken) throws IOException {
        // No SocketImpl of our own: every method below goes to the adaptor, so none is ever needed.
        super((SocketImpl) null);
        this.settings = settings;
        this.captureToken = captureToken;
        this.channel = SocketChannel.open();
        this.adaptor = channel.socket();
    }

    /**
     * Looks at the socket without blocking and without taking anything the driver needs: bytes already waiting
     * (at most {@link #PEEK_CAPACITY}) move into the push-back buffer, and a FIN or a reset is noted. The caller
     * guarantees that no other thread reads or writes this socket meanwhile (an idle pooled connection); a thread
     * that did would make the mode switch wait for it.
     */
    Peek peek() {
        if (!adaptor.isConnected() || adaptor.isClosed() || adaptor.isInputShutdown()) {
            return Peek.UNKNOWN;
        }
        PeekableInput in;
        try {
            in = input();
        } catch (IOException e) {
            return Peek.UNKNOWN; // closed by us in the meantime
        }
        return in.peek();
    }

    /**
     * Bytes the kernel has taken from the driver's writes so far, counted in slices of at most
     * {@link GuardedOutput#SLICE} bytes: a blocked write shows as progress once each slice is queued, not only once
     * the whole write is. With the kernel's {@code tx_queue} this gives how far the peer has acknowledged.
     */
    long bytesWritten() {
        return written;
    }

    /**
     * Since when the driver's thread has been blocked reading this socket ({@link System#nanoTime()}): a request
     * waiting for its answer. 0 while no read is blocked.
     */
    long readingSinceNanos() {
        PeekableInput in = input;
        return in == null ? 0 : in.readingSince();
    }

    /** When the driver last read bytes from the peer ({@link System#nanoTime()}), or 0. */
    long receivedAtNanos() {
        PeekableInput in = input;
        return in == null ? 0 : in.receivedAt();
    }

    /** When the TCP handshake began ({@link System#nanoTime()}), or 0 before it did. */
    long handshakeStartNanos() {
        return handshakeStartNanos;
    }

    /** How long the TCP handshake took ({@code connect} to connected), or 0 before it completed. */
    long connectNanos() {
        return connectNanos;
    }

    /** Whether the channel is in blocking mode, as the driver's streams need it (for tests). */
    boolean channelBlocking() {
        return channel.isBlocking();
    }

    // -- connect, with the keepalive and capture hooks

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        long start = System.nanoTime();
        handshakeStartNanos = start;
        if (captureToken >= 0) {
            ConnectCapture.handshaking(captureToken, this);
        } else {
            ConnectCapture.handshaking(this);
        }
        adaptor.connect(endpoint, timeout);
        connectNanos = System.nanoTime() - start;
        if (settings != null) {
            SocketKeepalive.apply(this, settings);
        }
        if (captureToken >= 0) {
            ConnectCapture.record(captureToken, this);
        } else {
            ConnectCapture.record(this);
        }
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        adaptor.bind(bindpoint);
    }

    // -- streams

    @Override
    public InputStream getInputStream() throws IOException {
        return input();
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        OutputStream checked = adaptor.getOutputStream(); // throws as a plain socket would: closed, shut down, ...
        synchronized (streamLock) {
            if (output == null) {
                output = new GuardedOutput(checked, this);
            }
            return output;
        }
    }

    private PeekableInput input() throws IOException {
        InputStream checked = adaptor.getInputStream(); // throws as a plain socket would: closed, shut down, ...
        synchronized (streamLock) {
            if (input == null) {
                input = new PeekableInput(checked, channel);
            }
            return input;
        }
    }

    /** Null, as for a plain socket: drivers must keep to the blocking streams (peek relies on it). */
    @Override
    public SocketChannel getChannel() {
        return null;
    }

    // -- everything else goes to the adaptor

    @Override
    public InetAddress getInetAddress() {
        return adaptor.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return adaptor.getLocalAddress();
    }

    @Override
    public int getPort() {
        return adaptor.getPort();
    }

    @Override
    public int getLocalPort() {
        return adaptor.getLocalPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return adaptor.getRemoteSocketAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return adaptor.getLocalSocketAddress();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        adaptor.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return adaptor.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        adaptor.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return adaptor.getSoLinger();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        adaptor.sendUrgentData(data);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        adaptor.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return adaptor.getOOBInline();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        adaptor.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return adaptor.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        adaptor.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return adaptor.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        adaptor.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return adaptor.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        adaptor.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return adaptor.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        adaptor.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return adaptor.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        adaptor.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return adaptor.getReuseAddress();
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        adaptor.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        adaptor.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return adaptor.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return adaptor.supportedOptions();
    }

    @Override
    public void close() throws IOException {
        adaptor.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        adaptor.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        adaptor.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return adaptor.isConnected();
    }

    @Override
    public boolean isBound() {
        return adaptor.isBound();
    }

    @Override
    public boolean isClosed() {
        return adaptor.isClosed();
    }

    @Override
    public boolean isInputShutdown() {
        return adaptor.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return adaptor.isOutputShutdown();
    }

    @Override
    public String toString() {
        return adaptor.toString();
    }

    /**
     * The driver's input: bytes a peek took from the kernel first, then the adaptor's blocking, soTimeout-timed
     * stream. The buffer is touched under {@code this} lock; the blocking read of the adaptor is not, so a thread
     * that closes the socket is never held up by a reader.
     */
    static final class PeekableInput extends InputStream {

        private final InputStream in;
        private final SocketChannel channel;
        private byte[] pending; // allocated at the first peek that finds data
        private int pos;
        private int limit;
        private boolean eof;
        private String failure;
        /** When the driver's thread went into a blocking read ({@link System#nanoTime()}), or 0 while it is not in one. */
        private volatile long readingSince;
        /** When a read that returned bytes from the peer began ({@link System#nanoTime()}), or 0. */
        private volatile long receivedAt;

        PeekableInput(InputStream in, SocketChannel channel) {
            this.in = in;
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            synchronized (this) {
                if (pos < limit) {
                    return pending[pos++] & 0xff;
                }
                if (eof) {
                    return -1;
                }
            }
            boolean interrupted = Thread.interrupted();
            long start = System.nanoTime();
            readingSince = start;
            try {
                int c = in.read();
                if (c >= 0) {
                    receivedAt = start; // the read's start: no second clock read on the I/O path
                }
                return c;
            } finally {
                readingSince = 0;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            synchronized (this) {
                if (pos < limit) {
                    int n = Math.min(len, limit - pos);
                    System.arraycopy(pending, pos, b, off, n);
                    pos += n;
                    return n;
                }
                if (eof) {
                    return -1;
                }
            }
            boolean interrupted = Thread.interrupted();
            long start = System.nanoTime();
            readingSince = start;
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    receivedAt = start; // the read's start: no second clock read on the I/O path
                }
                return n;
            } finally {
                readingSince = 0;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
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
                return buffered + in.available();
            }
        }

        @Override
        public void close() throws IOException {
            in.close(); // closes the socket, as closing a plain socket's stream does
        }

        synchronized Peek peek() {
            if (eof || failure != null) {
                return closed();
            }
            if (pending == null) {
                pending = new byte[PEEK_CAPACITY];
            } else if (pos > 0) {
                System.arraycopy(pending, pos, pending, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            try {
                channel.configureBlocking(false);
                try {
                    ByteBuffer into = ByteBuffer.wrap(pending);
                    while (limit < pending.length) {
                        into.limit(pending.length).position(limit);
                        int n = channel.read(into);
                        if (n > 0) {
                            limit += n;
                        } else {
                            eof = n < 0;
                            break;
                        }
                    }
                } catch (ClosedChannelException e) {
                    throw e;
                } catch (IOException e) {
                    // A reset (or a keepalive timeout) surfaces here; the channel remembers a reset, so the driver's
                    // next read fails the same way.
                    failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                } finally {
                    restoreBlocking();
                }
            } catch (ClosedChannelException e) {
                return Peek.UNKNOWN; // closed by us (the channel is then gone, blocking or not)
            } catch (IOException e) {
                return Peek.UNKNOWN; // could not switch the mode: nothing was read
            }
            if (eof || failure != null) {
                return closed();
            }
            return pos < limit ? Peek.data(pending[pos] & 0xff, limit - pos) : Peek.QUIET;
        }

        /**
         * Back to blocking, whatever happened: the adaptor's streams refuse a non-blocking channel with an unchecked
         * exception the driver would not expect. Should the switch fail on an open channel, the socket is closed
         * instead, so the driver sees an ordinary I/O failure.
         */
        private void restoreBlocking() throws IOException {
            try {
                channel.configureBlocking(true);
            } catch (ClosedChannelException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        private Peek closed() {
            int waiting = limit - pos;
            return Peek.closed(waiting > 0 ? pending[pos] & 0xff : -1, waiting, failure != null ? failure : "EOF");
        }
    }

    /** The adaptor's output stream, with a pending interrupt set aside for each call (see the class comment). */
    private static final class GuardedOutput extends OutputStream {

        /** A blocking write returns only once all of its bytes are queued: slices keep the count moving meanwhile. */
        static final int SLICE = 16 * 1024;

        private final OutputStream out;
        private final KeepaliveSocket socket;

        GuardedOutput(OutputStream out, KeepaliveSocket socket) {
            this.out = out;
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                out.write(b);
                socket.written++; // one writing thread per socket at a time: the driver's
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            boolean interrupted = Thread.interrupted();
            try {
                for (int at = off, end = off + len; at < end; ) {
                    int n = Math.min(SLICE, end - at);
                    out.write(b, at, n);
                    socket.written += n;
                    at += n;
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
