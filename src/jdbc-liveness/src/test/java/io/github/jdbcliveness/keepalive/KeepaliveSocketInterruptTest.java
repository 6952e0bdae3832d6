package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * An interrupt affects our socket as it affects a plain {@code java.net.Socket}: on a platform thread it neither ends
 * a blocked read or write nor closes the socket; on a virtual thread it closes the socket. Real loopback sockets.
 */
class KeepaliveSocketInterruptTest {

    private static final long DEADLINE_MS = 5000;

    private LoopbackPair pair;
    private ServerSocket server;
    private KeepaliveSocket client;
    private Socket serverSide;

    @BeforeEach
    void connect() throws IOException {
        pair = LoopbackPair.open();
        server = pair.server();
        client = pair.client();
        serverSide = pair.serverSide();
        serverSide.setSoTimeout((int) DEADLINE_MS);
    }

    @AfterEach
    void close() throws IOException {
        pair.close();
    }

    @Test
    void interruptDuringABlockedRead_onAPlatformThread_leavesTheSocketOpen_andTheReadGetsItsAnswer() throws Exception {
        InputStream in = client.getInputStream();
        CompletableFuture<Boolean> interruptedAfterRead = new CompletableFuture<>();
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = readInBackground(in, read, interruptedAfterRead);
        awaitBlockedReading(reader);
        reader.interrupt();
        awaitReadStillBlockedAfterInterrupt(reader, read);

        serverSide.getOutputStream().write(42);
        assertEquals(42, read.get(DEADLINE_MS, TimeUnit.MILLISECONDS), "the read gets the server's answer");
        assertTrue(interruptedAfterRead.get(DEADLINE_MS, TimeUnit.MILLISECONDS), "the interrupt stays pending");
        assertFalse(client.isClosed());
        client.getOutputStream().write(7);
        assertEquals(7, serverSide.getInputStream().read(), "the connection still works both ways");
    }

    @Test
    void interruptDuringABlockedWrite_onAPlatformThread_leavesTheSocketOpen_andEveryByteArrives() throws Exception {
        client.setSendBufferSize(8192);
        byte[] big = new byte[8 * 1024 * 1024]; // far more than loopback's buffers hold: the write blocks
        big[big.length - 1] = 99;
        OutputStream out = client.getOutputStream();
        CompletableFuture<Void> wrote = new CompletableFuture<>();
        Thread writer = new Thread(() -> {
            try {
                out.write(big);
                wrote.complete(null);
            } catch (IOException e) {
                wrote.completeExceptionally(e);
            }
        });
        writer.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (writer.getState() != Thread.State.RUNNABLE && System.nanoTime() - deadline < 0
                || client.bytesWritten() == 0) {
            Thread.onSpinWait();
        }
        writer.interrupt();
        InputStream fromClient = serverSide.getInputStream();
        long received = 0;
        int last = -1;
        byte[] buf = new byte[64 * 1024];
        while (received < big.length) {
            int n = fromClient.read(buf);
            assertTrue(n > 0, "the stream ended after " + received + " bytes");
            received += n;
            last = buf[n - 1];
        }
        wrote.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
        assertEquals(big.length, received);
        assertEquals(99, last);
        assertFalse(client.isClosed());
        assertEquals(big.length, client.bytesWritten());
    }

    @Test
    void closeWhileAThreadIsBlockedReading_wakesIt_andThePeerSeesTheEnd() throws Exception {
        InputStream in = client.getInputStream();
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = readInBackground(in, read, new CompletableFuture<>());
        awaitBlockedReading(reader);
        client.close();
        Throwable failure = assertThrows(Exception.class, () -> read.get(DEADLINE_MS, TimeUnit.MILLISECONDS));
        assertInstanceOf(SocketException.class, failure.getCause());
        assertEquals(-1, serverSide.getInputStream().read(), "the file descriptor is let go of: the peer reads EOF");
    }

    @Test
    void connectRefused_throwsConnectException_andClosesTheSocket() throws IOException {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        KeepaliveSocket s = new KeepaliveSocket(null);
        assertThrows(ConnectException.class,
                () -> s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort), 2000));
        assertTrue(s.isClosed());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void interruptDuringABlockedRead_onAVirtualThread_closesTheSocket_asTheJdkDoesForAPlainSocket() throws Exception {
        InputStream in = client.getInputStream();
        CompletableFuture<Integer> read = new CompletableFuture<>();
        CompletableFuture<Thread> started = new CompletableFuture<>();
        ExecutorService virtual = (ExecutorService) Executors.class
                .getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        try {
            virtual.execute(() -> {
                started.complete(Thread.currentThread());
                try {
                    read.complete(in.read());
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            Thread reader = started.get(DEADLINE_MS, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
            while (client.readingSinceNanos() == 0 && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            reader.interrupt();
            Throwable failure = assertThrows(Exception.class, () -> read.get(DEADLINE_MS, TimeUnit.MILLISECONDS));
            assertInstanceOf(SocketException.class, failure.getCause());
            assertEquals("Closed by interrupt", failure.getCause().getMessage());
            assertTrue(client.isClosed());
        } finally {
            virtual.shutdownNow();
        }
    }

    /** A platform thread that reads one byte into {@code read}, then tells whether its interrupt flag was set. */
    private static Thread readInBackground(InputStream in, CompletableFuture<Integer> read,
            CompletableFuture<Boolean> interruptedAfterRead) {
        Thread reader = new Thread(() -> {
            try {
                read.complete(in.read());
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
            interruptedAfterRead.complete(Thread.currentThread().isInterrupted());
        });
        reader.start();
        return reader;
    }

    /** Waits until {@code reader} is inside our read. */
    private void awaitBlockedReading(Thread reader) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (!(client.readingSinceNanos() != 0 && isWaiting(reader))) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("the reader never blocked: " + reader.getState());
            }
            Thread.onSpinWait();
        }
    }

    /** The interrupt must not end the read: with a channel in blocking mode it closed the socket at once. */
    private void awaitReadStillBlockedAfterInterrupt(Thread reader, CompletableFuture<Integer> read) {
        awaitBlockedReading(reader);
        assertFalse(read.isDone(), "the read ended on the interrupt: " + read);
        assertFalse(client.isClosed(), "the interrupt closed the socket");
    }

    private static boolean isWaiting(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("PeekableInput") && e.getMethodName().equals("read")) {
                return true;
            }
        }
        return false;
    }
}
