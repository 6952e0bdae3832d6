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
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The plain TCP socket our socket factories hand to a driver. After connecting it applies the keepalive
 * settings (when it was given any: MariaDB Connector/J applies its own) and tells the connect capture of the
 * calling thread that it exists, so the data source can read back what the kernel holds.
 *
 * <p>It is backed by a {@link SocketChannel} in non-blocking mode, so that {@link #peek()} can look at the socket with
 * one system call and without taking anything the driver needs: a plain {@code Socket} cannot read without blocking,
 * and {@code available()} cannot see a FIN. To the driver it is a blocking socket: its streams wait for the channel
 * ({@link ChannelWait}) and honour {@code soTimeout}; {@link #getChannel()} answers null so that no driver switches to
 * NIO behind our back. The driver reads through a push-back stream ({@link PeekableInput}): whatever a peek took from
 * the kernel is served first, in order.
 *
 * <p>An interrupt affects it exactly as it affects a plain socket: on a platform thread nothing happens (the interrupt
 * stays pending for the caller); on a virtual thread blocked in I/O it closes the socket. A channel in blocking mode
 * would close itself on any interrupt during I/O, and did: a cancelled task killed a healthy pooled connection.
 *
 * <p>What it costs beside a plain socket: a read that has to wait makes two more system calls (the wait and a second
 * read), and a socket that has waited holds a selector (two file descriptors) for reads, and one more for writes
 * once its send buffer has been full.
 */
final class KeepaliveSocket extends Socket {

    /** Bound on what one peek takes from the kernel; a waiting termination message is far shorter. */
    static final int PEEK_CAPACITY = 8192;
    /**
     * Bound on what one read or write hands the kernel, as a plain socket's 128 KiB: the JDK copies a heap buffer
     * through a temporary direct buffer of the call's size and keeps it per thread, and drivers read whole packets
     * (up to 16 MB) in one call.
     */
    static final int MAX_IO = 128 * 1024;

    private final KeepaliveSettings settings;
    private final long captureToken;
    private final SocketChannel channel;
    private final Socket adaptor;
    private final ChannelWait readable;
    private final ChannelWait writable;
    private final Object streamLock = new Object();
    /** Created once under {@link #streamLock}; volatile so that the watchdog's look reads it without the lock. */
    private volatile PeekableInput input;
    private volatile CountingOutput output;
    private volatile long soTimeoutNanos;
    /** The wait of a connect under way, so that {@link #close()} can end it; null otherwise. */
    private volatile ChannelWait connecting;
    /** When the TCP handshake began ({@link System#nanoTime()}), or 0. */
    private volatile long handshakeStartNanos;
    /** How long the TCP handshake took: about one round trip to the host. Set once, before the capture sees it. */
    private volatile long connectNanos;

    /** @param settings keepalive to apply after connect, or null to only record the socket */
    KeepaliveSocket(KeepaliveSettings settings) throws IOException {
        this(settings, -1);
    }

    /** @param captureToken the connect capture to report to when connecting on another thread, or -1 */
    KeepaliveSocket(KeepaliveSettings settings, long captureToken) throws IOException {
        // No SocketImpl of our own: every method below goes to the channel or its adaptor, so none is ever needed.
        super((SocketImpl) null);
        this.settings = settings;
        this.captureToken = captureToken;
        this.channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.adaptor = channel.socket();
        this.readable = new ChannelWait(channel, SelectionKey.OP_READ);
        this.writable = new ChannelWait(channel, SelectionKey.OP_WRITE);
    }

    /**
     * Looks at the socket without blocking and without taking anything the driver needs: bytes already waiting
     * (at most {@link #PEEK_CAPACITY}) move into the push-back buffer, and a FIN or a reset is noted. Meant for an
     * idle pooled connection; a driver's read at the same moment would still get every byte, in order.
     */
    Peek peek() {
        PeekableInput in = input; // the driver's stream: there from its first read on, so no check needs it made
        if (in == null) {
            if (!adaptor.isConnected()) {
                return Peek.UNKNOWN;
            }
            try {
                in = input();
            } catch (IOException e) {
                return Peek.UNKNOWN; // closed or shut down by us
            }
        }
        if (adaptor.isInputShutdown()) {
            return Peek.UNKNOWN; // our own doing, not the server's
        }
        return in.peek(); // closed by us: UNKNOWN
    }

    /**
     * Bytes the kernel has taken from the driver's writes so far, counted in slices of at most
     * {@link CountingOutput#SLICE} bytes: a blocked write shows as progress once each slice is queued, not only once
     * the whole write is. With the kernel's {@code tx_queue} this gives how far the peer has acknowledged.
     */
    long bytesWritten() {
        CountingOutput out = output;
        return out == null ? 0 : out.written();
    }

    /**
     * Since when the driver's thread has been blocked reading this socket ({@link System#nanoTime()}): a request
     * waiting for its answer. 0 while no read is blocked.
     */
    long readingSinceNanos() {
        PeekableInput in = input;
        return in == null ? 0 : in.readingSince();
    }

    /**
     * Since when the driver's thread has waited on the peer ({@link System#nanoTime()}): reading for an answer, or
     * writing into a send buffer that stays full. 0 while it does neither.
     */
    long waitingOnPeerSinceNanos() {
        long reading = readingSinceNanos();
        CountingOutput out = output;
        long writing = out == null ? 0 : out.blockedSince();
        return reading == 0 ? writing : writing == 0 ? reading : Math.min(reading, writing);
    }

    /**
     * Since when the driver's thread has been blocked writing into a send buffer that stays full
     * ({@link System#nanoTime()}), or 0 while it is not.
     */
    long writeBlockedSinceNanos() {
        CountingOutput out = output;
        return out == null ? 0 : out.blockedSince();
    }

    /** When the driver last read bytes from the peer ({@link System#nanoTime()}), or 0. */
    long receivedAtNanos() {
        PeekableInput in = input;
        return in == null ? 0 : in.receivedAt();
    }

    /** How long a read may wait ({@code soTimeout}), in nanoseconds; 0 for no limit. */
    long soTimeoutNanos() {
        return soTimeoutNanos;
    }

    /** When the TCP handshake began ({@link System#nanoTime()}), or 0 before it did. */
    long handshakeStartNanos() {
        return handshakeStartNanos;
    }

    /** How long the TCP handshake took ({@code connect} to connected), or 0 before it completed. */
    long connectNanos() {
        return connectNanos;
    }

    // -- connect, with the keepalive and capture hooks

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /** As a plain socket connects: a timeout or a failure closes the socket; an interrupt does not end the wait. */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        if (endpoint instanceof InetSocketAddress isa && isa.isUnresolved()) {
            close();
            throw new UnknownHostException(isa.getHostName());
        }
        long start = System.nanoTime();
        handshakeStartNanos = start;
        if (captureToken >= 0) {
            ConnectCapture.handshaking(captureToken, this);
        } else {
            ConnectCapture.handshaking(this);
        }
        ChannelWait connectable = new ChannelWait(channel, SelectionKey.OP_CONNECT);
        connecting = connectable; // close() ends the wait, as closing a plain socket ends its connect
        try {
            boolean connected = channel.connect(endpoint);
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (!connected) {
                long left = timeout == 0 ? 0 : deadline - System.nanoTime();
                if (timeout != 0 && left <= 0 || !connectable.await(left, this)) {
                    throw new SocketTimeoutException("Connect timed out");
                }
                connected = channel.finishConnect();
            }
            connectNanos = System.nanoTime() - start;
            if (settings != null) {
                SocketKeepalive.apply(this, settings);
            }
        } catch (ClosedChannelException e) {
            close();
            throw new SocketException("Socket closed");
        } catch (AlreadyConnectedException e) {
            throw new SocketException("already connected"); // as a plain socket says it; this one stays open
        } catch (UnsupportedAddressTypeException e) {
            close();
            throw new IllegalArgumentException("Unsupported address type", e);
        } catch (IOException | RuntimeException e) {
            close(); // a failed connect, or keepalive that could not be applied: nothing is left open
            throw e;
        } finally {
            connecting = null;
            connectable.close();
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
        adaptor.getOutputStream(); // throws as a plain socket would: closed, not connected, shut down
        synchronized (streamLock) {
            if (output == null) {
                output = new CountingOutput(this, channel, writable);
            }
            return output;
        }
    }

    private PeekableInput input() throws IOException {
        InputStream checked = adaptor.getInputStream(); // throws as a plain socket would: closed, shut down, ...
        synchronized (streamLock) {
            if (input == null) {
                input = new PeekableInput(this, channel, checked, readable);
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
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        soTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        return (int) TimeUnit.NANOSECONDS.toMillis(soTimeoutNanos);
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
        try {
            channel.close();
        } finally {
            // The channel keeps its file descriptor until the selectors it was registered with let go of it, and a
            // thread waiting in one of them wakes only when it is closed.
            try {
                readable.close();
            } finally {
                try {
                    writable.close();
                } finally {
                    ChannelWait c = connecting;
                    if (c != null) {
                        c.close();
                    }
                }
            }
        }
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
}
