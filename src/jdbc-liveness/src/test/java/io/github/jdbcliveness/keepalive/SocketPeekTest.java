package io.github.jdbcliveness.keepalive;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.KeepaliveSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.function.Predicate;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real loopback sockets: the kernel, not a mock, decides what a peek sees. */
class SocketPeekTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

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
    }

    @AfterEach
    void close() throws IOException {
        pair.close();
    }

    @Test
    void quietConnection_peeksQuiet() {
        for (int i = 0; i < 3; i++) {
            assertEquals(Peek.QUIET, SocketPeek.peek(client));
        }
        assertFalse(DriverKind.PGJDBC.closing(Peek.QUIET));
        assertFalse(DriverKind.CONNECTOR_J.closing(Peek.QUIET));
    }

    @Test
    void serverClosed_fin_peeksClosed_andTheDriverReadsEof() throws IOException {
        serverSide.close();
        Peek p = peekUntil(Peek::isClosed);
        assertEquals("EOF", p.detail());
        assertEquals(0, p.bytesWaiting());
        assertTrue(DriverKind.PGJDBC.closing(p));
        assertEquals(-1, client.getInputStream().read());
    }

    @Test
    void serverSentBytes_peekSeesTheFirst_andTheDriverReadsAllInOrder_thenLaterOnes() throws IOException {
        byte[] first = "Ehello".getBytes(US_ASCII);
        OutputStream out = serverSide.getOutputStream();
        out.write(first);
        out.flush();
        Peek p = peekUntil(x -> x.bytesWaiting() == first.length);
        assertEquals(Peek.State.DATA, p.state());
        assertEquals('E', p.firstByte());
        assertEquals(p, SocketPeek.peek(client), "a second peek takes nothing away");

        client.setSoTimeout(5000);
        InputStream in = client.getInputStream();
        assertEquals(first.length, in.available());
        assertArrayEquals(first, in.readNBytes(first.length));

        byte[] later = "world".getBytes(US_ASCII);
        out.write(later);
        out.flush();
        assertArrayEquals(later, in.readNBytes(later.length));
    }

    @Test
    void bytesConsumedInPart_areServedBeforeWhatArrivesAfterTheNextPeek() throws IOException {
        OutputStream out = serverSide.getOutputStream();
        out.write("abc".getBytes(US_ASCII));
        out.flush();
        peekUntil(x -> x.bytesWaiting() == 3);
        client.setSoTimeout(5000);
        InputStream in = client.getInputStream();
        assertEquals('a', in.read());
        out.write("de".getBytes(US_ASCII));
        out.flush();
        Peek p = peekUntil(x -> x.bytesWaiting() == 4);
        assertEquals('b', p.firstByte());
        assertArrayEquals("bcde".getBytes(US_ASCII), in.readNBytes(4));
        assertEquals(Peek.QUIET, SocketPeek.peek(client));
    }

    @Test
    void dataThenFin_peeksClosed_withTheDataStillReadable() throws IOException {
        serverSide.getOutputStream().write("N!".getBytes(US_ASCII));
        serverSide.close();
        Peek p = peekUntil(Peek::isClosed);
        assertEquals('N', p.firstByte());
        assertEquals(2, p.bytesWaiting());
        InputStream in = client.getInputStream();
        assertArrayEquals("N!".getBytes(US_ASCII), in.readNBytes(2));
        assertEquals(-1, in.read());
    }

    @Test
    void serverReset_rst_peeksClosed_andTheDriverSeesTheReset() throws IOException {
        serverSide.setSoLinger(true, 0);
        serverSide.close();
        Peek p = peekUntil(Peek::isClosed);
        assertTrue(p.detail().toLowerCase().contains("reset"), p.toString());
        assertThrows(SocketException.class, () -> client.getInputStream().read());
    }

    @Test
    void soTimeout_stillTimesOut_afterAPeek() throws IOException {
        client.setSoTimeout(100);
        assertEquals(100, client.getSoTimeout());
        assertEquals(Peek.QUIET, SocketPeek.peek(client));
        InputStream in = client.getInputStream();
        assertThrows(SocketTimeoutException.class, () -> in.read());
        assertEquals(Peek.QUIET, SocketPeek.peek(client));
        assertThrows(SocketTimeoutException.class, () -> in.read(new byte[16]));
        assertFalse(client.isClosed(), "a timed-out read leaves the socket open, as on a plain socket");
    }

    @Test
    void pendingInterrupt_doesNotCloseTheSocket_andIsKept() throws Exception {
        serverSide.getOutputStream().write(7);
        client.setSoTimeout(5000);
        Thread.currentThread().interrupt();
        try {
            assertEquals(7, client.getInputStream().read());
            client.getOutputStream().write(9);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        assertFalse(client.isClosed());
        serverSide.setSoTimeout(5000);
        assertEquals(9, serverSide.getInputStream().read());
    }

    @Test
    void notOurs_notConnected_orClosedByUs_isUnknown() throws IOException {
        assertEquals(Peek.UNKNOWN, SocketPeek.peek(serverSide));
        assertEquals(Peek.UNKNOWN, SocketPeek.peek(null));
        try (KeepaliveSocket unconnected = new KeepaliveSocket(null)) {
            assertEquals(Peek.UNKNOWN, SocketPeek.peek(unconnected));
        }
        client.close();
        assertEquals(Peek.UNKNOWN, SocketPeek.peek(client));
        assertFalse(DriverKind.MARIADB.closing(Peek.UNKNOWN));
    }

    @Test
    void delegatingSocket_appliesAndReadsBackKeepalive_andLooksLikeAPlainSocket() throws IOException {
        KeepaliveSettings k = KeepaliveSettings.of(Duration.ofSeconds(9), Duration.ofSeconds(3), 5);
        try (KeepaliveSocket s = new KeepaliveSocket(k)) {
            s.setTcpNoDelay(true);
            s.setReceiveBufferSize(65536);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            try (Socket accepted = server.accept()) {
                assertTrue(s.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE));
                assertTrue(s.getKeepAlive());
                assertEquals(9, s.getOption(ExtendedSocketOptions.TCP_KEEPIDLE));
                assertTrue(SocketKeepalive.readBack(s, k).asRequested());
                assertTrue(s.getTcpNoDelay());
                assertTrue(s.isConnected() && s.isBound() && !s.isClosed());
                assertEquals(accepted.getPort(), s.getLocalPort());
                assertEquals(server.getLocalPort(), s.getPort());
                assertEquals(s.getLocalPort(), ((InetSocketAddress) s.getLocalSocketAddress()).getPort());
                assertNull(s.getChannel(), "drivers must not switch to NIO");
                assertTrue(s.getInputStream() == s.getInputStream(), "one stream, one push-back buffer");
                s.shutdownOutput();
                assertTrue(s.isOutputShutdown());
                accepted.setSoTimeout(5000);
                assertEquals(-1, accepted.getInputStream().read());
            }
        }
    }

    /** Peeks until {@code done} holds, or fails at the deadline: loopback delivery is fast, but not synchronous. */
    private Peek peekUntil(Predicate<Peek> done) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Peek p;
        do {
            p = SocketPeek.peek(client);
            if (done.test(p)) {
                return p;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - deadline < 0);
        throw new AssertionError("peek still says " + p + " after " + DEADLINE);
    }
}
