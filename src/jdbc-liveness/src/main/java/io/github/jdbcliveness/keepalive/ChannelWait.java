package io.github.jdbcliveness.keepalive;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Blocks a thread until a non-blocking channel is ready for one kind of I/O, the way a plain {@code java.net.Socket}
 * blocks, interrupts included:
 * <ul>
 *   <li>on a platform thread an interrupt neither ends the wait nor closes the socket; it stays pending for the
 *       caller (a plain socket's I/O does not look at it);</li>
 *   <li>on a virtual thread (JDK 21+) an interrupt closes the socket and the call throws
 *       {@code SocketException("Closed by interrupt")}, as the JDK does for a plain socket there.</li>
 * </ul>
 * A channel in blocking mode would instead close itself on any interrupt during I/O (it is an interruptible channel):
 * that killed healthy pooled connections whenever an application cancelled a task or shut an executor down.
 *
 * <p>The selector is opened at the first wait, registered once, and closed with the socket: a connection that never
 * waits to write never holds a selector for writes. {@link #close()} wakes a waiting thread.
 */
final class ChannelWait implements AutoCloseable {

    /** {@code Thread.isVirtual()} where the JDK has it (21+); this code is compiled for 17. */
    private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

    private final SocketChannel channel;
    private final int op;
    private Selector selector; // under this
    private boolean closed; // under this

    ChannelWait(SocketChannel channel, int op) {
        this.channel = channel;
        this.op = op;
    }

    /**
     * Waits until the channel is ready for this wait's operation, or {@code timeoutNanos} pass (0: no limit).
     *
     * @param onVirtualInterrupt closed when a virtual thread is interrupted, before the exception is thrown
     * @return false when the time ran out
     * @throws SocketException when the socket is closed meanwhile, or a virtual thread was interrupted
     */
    boolean await(long timeoutNanos, AutoCloseable onVirtualInterrupt) throws IOException {
        Selector s = selector();
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        boolean interrupted = false;
        try {
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    if (isVirtual(Thread.currentThread())) {
                        closeQuietly(onVirtualInterrupt);
                        throw new SocketException("Closed by interrupt");
                    }
                    Thread.interrupted(); // a selector returns at once for an interrupted thread: set it aside
                    interrupted = true;
                }
                long millis = 0;
                if (timeoutNanos > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999));
                }
                int ready;
                try {
                    s.selectedKeys().clear();
                    ready = s.select(millis);
                } catch (ClosedSelectorException e) {
                    throw new SocketException("Socket closed");
                }
                if (!channel.isOpen()) {
                    throw new SocketException("Socket closed");
                }
                if (ready > 0) {
                    return true;
                }
                // Woken by an interrupt, by close(), or at the timeout: look again.
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized Selector selector() throws IOException {
        if (closed || !channel.isOpen()) {
            throw new SocketException("Socket closed");
        }
        if (selector == null) {
            Selector s = Selector.open();
            try {
                channel.register(s, op);
            } catch (ClosedChannelException e) {
                s.close();
                throw new SocketException("Socket closed");
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            selector = s;
        }
        return selector;
    }

    /**
     * Makes a thread waiting now, or the next one to wait, look at the channel again: for a peek that took the bytes
     * a reader was about to wait for.
     */
    synchronized void wakeup() {
        if (selector != null) {
            selector.wakeup();
        }
    }

    /**
     * Wakes a waiting thread and lets go of the selector. Call after closing the channel: a closed channel keeps its
     * file descriptor until every selector it was registered with has let go of it.
     */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        if (selector != null) {
            selector.close();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing on the way out: the interrupt is what the caller hears about
        }
    }

    static boolean isVirtual(Thread t) {
        if (IS_VIRTUAL == null) {
            return false;
        }
        try {
            return (boolean) IS_VIRTUAL.invokeExact(t);
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle isVirtualHandle() {
        try {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException e) {
            return null; // JDK 17-20: no virtual threads
        }
    }
}
