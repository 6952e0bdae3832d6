package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Our socket's I/O where it must match a plain socket's, on real loopback sockets. */
class KeepaliveSocketIoTest {

    /**
     * A connect that waits (the listener's backlog is full, so the kernel drops the SYN) ends as soon as another
     * thread closes the socket, as a plain socket's does: the half-open re-admission ends connects stuck on SYNs this
     * way. It waited for its whole timeout before.
     */
    @Test
    void closeDuringAConnectThatWaits_endsItAtOnce() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort());
            List<Socket> fillers = new ArrayList<>();
            try {
                KeepaliveSocket waiting = null;
                for (int i = 0; i < 8 && waiting == null; i++) { // fill the backlog until a connect has to wait
                    KeepaliveSocket s = new KeepaliveSocket(null);
                    CompletableFuture<Void> connect = CompletableFuture.runAsync(() -> {
                        try {
                            s.connect(at, 20_000);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    try {
                        connect.get(500, TimeUnit.MILLISECONDS);
                        fillers.add(s);
                    } catch (java.util.concurrent.TimeoutException e) {
                        waiting = s;
                        long closedAt = System.nanoTime();
                        s.close();
                        Throwable failure = assertThrows(ExecutionException.class,
                                () -> connect.get(5, TimeUnit.SECONDS)).getCause();
                        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
                        assertInstanceOf(SocketException.class, failure.getCause(), failure.toString());
                        assertTrue(tookMs < 1000, "the connect ended " + tookMs + " ms after close()");
                    }
                }
                assertTrue(waiting != null, "no connect had to wait: the backlog never filled");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    /** One read hands the kernel at most 128 KiB, as a plain socket's does: the JDK keeps a direct buffer that large. */
    @Test
    void aLargeRead_takesAtMost128KiB() throws Exception {
        try (LoopbackPair pair = LoopbackPair.open()) {
            byte[] sent = new byte[1 << 20];
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                try {
                    pair.serverSide().getOutputStream().write(sent);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = pair.client().getInputStream();
            byte[] into = new byte[sent.length];
            int total = 0;
            while (total < sent.length) {
                int n = in.read(into, total, sent.length - total);
                assertTrue(n > 0 && n <= KeepaliveSocket.MAX_IO, "one read returned " + n + " bytes");
                total += n;
            }
            write.get(5, TimeUnit.SECONDS);
            assertEquals(sent.length, total);
        }
    }

    /**
     * A write the peer does not take (its window shut, as a hung server's) marks the socket as waiting on the peer
     * since it blocked; once the peer reads, the mark goes, and a socket that only writes what the kernel takes at
     * once never has it. The host verdict weighs such a write as it weighs a read waiting for an answer.
     */
    @Test
    void aWriteThePeerDoesNotTake_waitsOnThePeer_untilThePeerReads() throws Exception {
        try (LoopbackPair pair = LoopbackPair.open()) {
            java.io.OutputStream out = pair.client().getOutputStream();
            out.write(new byte[1024]);
            assertEquals(0, pair.client().waitingOnPeerSinceNanos(), "a write the kernel took at once");
            long before = System.nanoTime();
            CompletableFuture<Void> big = CompletableFuture.runAsync(() -> {
                try {
                    out.write(new byte[64 * 1024 * 1024]); // far more than both sides' buffers: it blocks
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pair.client().waitingOnPeerSinceNanos() == 0) {
                assertTrue(System.nanoTime() - deadline < 0, "the write never blocked");
                Thread.onSpinWait();
            }
            long since = pair.client().waitingOnPeerSinceNanos();
            assertTrue(since - before >= 0, "blocked since before the write began");
            InputStream in = pair.serverSide().getInputStream();
            byte[] buf = new byte[1 << 20];
            long read = 0;
            while (read < 1024 + 64L * 1024 * 1024) { // the peer reads it all: the write ends
                int n = in.read(buf);
                assertTrue(n > 0);
                read += n;
            }
            big.get(10, TimeUnit.SECONDS);
            assertEquals(0, pair.client().waitingOnPeerSinceNanos(), "the write ended");
        }
    }
}
