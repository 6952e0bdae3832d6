package io.github.jdbcliveness.drill;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TcpRelay} against a small echo server on loopback. */
class TcpRelayTest {

    /** How long a read waits to show that nothing arrives; a lower bound on silence, not a speed claim. */
    private static final int SILENCE_MILLIS = 300;

    private EchoServer echo;
    private TcpRelay relay;

    @BeforeEach
    void start() throws IOException {
        echo = new EchoServer();
        relay = TcpRelay.start("127.0.0.1", echo.port());
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        echo.close();
    }

    @Test
    void passing_echoesBytesAndCountsThem() throws IOException {
        try (Socket s = connect()) {
            assertEquals("hello", roundTrip(s, "hello"));
            assertEquals(1, relay.connections());
            // counted once written, which may be a moment after the echo was read
            Pools.awaitTrue(Duration.ofSeconds(5), () -> relay.bytesForwarded() == 10, () -> relay.toString());
            assertEquals("passing", relay.mode());
        }
    }

    @Test
    void halfClose_passesThroughBothWays_andThePairCloses() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write("abc".getBytes(US_ASCII));
            s.shutdownOutput();
            assertEquals("abc", new String(s.getInputStream().readAllBytes(), US_ASCII)); // EOF after the echo
        }
        Pools.awaitTrue(Duration.ofSeconds(5), () -> relay.connections() == 0, () -> relay.toString());
    }

    @Test
    void freeze_holdsBytesBothWays_newConnectionsGetNothing_healDeliversThemInOrder() throws IOException {
        try (Socket old = connect(); Socket s = connect()) {
            assertEquals("x", roundTrip(old, "x"));
            relay.freeze();
            assertEquals("frozen", relay.mode());
            write(old, "one");
            write(old, "two");
            assertSilent(old);
            try (Socket fresh = connect()) {
                write(fresh, "new");
                assertSilent(fresh);
                relay.heal();
                assertEquals("onetwo", read(old, 6));
                assertEquals("new", read(fresh, 3));
            }
            assertEquals("after", roundTrip(s, "after"));
        }
    }

    @Test
    void blackhole_discardsBytes_healResetsTheConnectionsThatLostBytes_untouchedOnesGoOn() throws IOException {
        try (Socket hit = connect(); Socket untouched = connect()) {
            assertEquals("x", roundTrip(hit, "x"));
            assertEquals("y", roundTrip(untouched, "y"));
            relay.blackhole();
            write(hit, "lost");
            assertSilent(hit);
            relay.heal();
            assertReset(hit);
            assertEquals("still", roundTrip(untouched, "still"));
            try (Socket fresh = connect()) {
                assertEquals("new", roundTrip(fresh, "new"));
            }
        }
    }

    @Test
    void blackhole_newConnectionsGetNothing() throws IOException {
        relay.blackhole();
        try (Socket s = connect()) {
            write(s, "hello");
            assertSilent(s);
            relay.heal();
            assertReset(s); // it lost its bytes
        }
    }

    @Test
    void reset_endsEveryConnectionWithAReset_newOnesAreResetUntilHeal() throws IOException {
        try (Socket a = connect(); Socket b = connect()) {
            assertEquals("a", roundTrip(a, "a"));
            assertEquals("b", roundTrip(b, "b"));
            relay.reset();
            assertReset(a);
            assertReset(b);
            try (Socket during = connect()) {
                assertReset(during);
            }
        }
        relay.heal();
        try (Socket after = connect()) {
            assertEquals("back", roundTrip(after, "back"));
        }
    }

    @Test
    void latency_aRoundTripTakesAtLeastTwiceTheOneWayDelay() throws IOException {
        Duration oneWay = Duration.ofMillis(200);
        relay.latency(oneWay);
        assertEquals("passing, latency 200 ms one way", relay.mode());
        try (Socket s = connect()) {
            long start = System.nanoTime();
            assertEquals("ping", roundTrip(s, "ping"));
            long took = System.nanoTime() - start;
            assertTrue(took >= 2 * oneWay.toNanos(), "round trip took " + took / 1e6 + " ms");
        }
        relay.heal();
        assertEquals("passing", relay.mode());
    }

    @Test
    void bandwidth_nBytesTakeAtLeastNOverTheRate() throws IOException {
        long rate = 20_000;
        int n = 30_000;
        relay.bandwidth(rate);
        byte[] data = new byte[n];
        new Random(7).nextBytes(data);
        try (Socket s = connect()) {
            long start = System.nanoTime();
            s.getOutputStream().write(data);
            byte[] back = s.getInputStream().readNBytes(n);
            long took = System.nanoTime() - start;
            assertArrayEquals(data, back);
            // The bucket starts full with 50 ms of bytes (1,000 here): at least (n - 1,000) / rate.
            long floor = TimeUnit.SECONDS.toNanos(n - rate / 20) / rate;
            assertTrue(took >= floor, "took " + took / 1e6 + " ms, the floor is " + floor / 1e6 + " ms");
        }
    }

    @Test
    void close_endsEveryRelayThread_closesItsConnections_andIsIdempotent() throws IOException {
        String prefix = "jdbc-liveness-relay-" + relay.port() + "-";
        try (Socket passing = connect(); Socket held = connect()) {
            assertEquals("x", roundTrip(passing, "x"));
            relay.freeze();
            write(held, "held");
            // accept + 2 x 4 pump threads, once the relay has accepted the second connection
            Pools.awaitTrue(Duration.ofSeconds(5), () -> relayThreads(prefix).size() == 9,
                    () -> relayThreads(prefix).toString());
            relay.close();
            assertEquals(List.of(), relayThreads(prefix));
            assertEquals("closed", relay.mode());
            relay.close();
            passing.setSoTimeout(5_000);
            assertEquals(-1, passing.getInputStream().read());
        }
        assertThrows(IOException.class, this::connect);
    }

    @Test
    void rewrite_pointsTheThreeUrlFormsAtTheRelay() throws IOException {
        try (TcpRelay r = TcpRelay.start("localhost", 5432)) {
            assertEquals("jdbc:postgresql://127.0.0.1:" + r.port() + "/app?sslmode=disable&user=u",
                    r.rewrite("jdbc:postgresql://localhost:5432/app?sslmode=disable&user=u"));
            assertEquals("jdbc:postgresql://127.0.0.1:" + r.port() + "/app", r.rewrite("jdbc:postgresql://localhost/app"));
        }
        try (TcpRelay r = TcpRelay.start("127.0.0.1", 3306)) {
            assertEquals("jdbc:mysql://127.0.0.1:" + r.port() + "/test?useSSL=false",
                    r.rewrite("jdbc:mysql://127.0.0.1:3306/test?useSSL=false"));
            assertEquals("jdbc:mariadb://127.0.0.1:" + r.port() + "/test",
                    r.rewrite("jdbc:mariadb://localhost:3306/test"));
        }
    }

    @Test
    void rewrite_ofAnotherHostOrPort_failsNamingIt() throws IOException {
        try (TcpRelay r = TcpRelay.start("127.0.0.1", 5432)) {
            IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                    () -> r.rewrite("jdbc:postgresql://127.0.0.1:5433/app?password=secret"));
            assertTrue(port.getMessage().contains("points at 127.0.0.1:5433"), port.getMessage());
            assertTrue(port.getMessage().contains("127.0.0.1:5432"), port.getMessage());
            assertTrue(!port.getMessage().contains("secret"), port.getMessage());
            IllegalArgumentException host = assertThrows(IllegalArgumentException.class,
                    () -> r.rewrite("jdbc:mysql://db.example:5432/app"));
            assertTrue(host.getMessage().contains("db.example:5432"), host.getMessage());
            assertThrows(IllegalArgumentException.class, () -> r.rewrite("jdbc:h2:mem:x"));
            assertThrows(IllegalArgumentException.class, () -> r.rewrite("jdbc:postgresql://127.0.0.1:5432,h2:5432/a"));
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(relay.host(), relay.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(US_ASCII));
        out.flush();
    }

    private static String read(Socket s, int n) throws IOException {
        byte[] b = s.getInputStream().readNBytes(n);
        assertEquals(n, b.length, "the stream ended after " + new String(b, US_ASCII));
        return new String(b, US_ASCII);
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        write(s, text);
        return read(s, text.length());
    }

    /** A read times out: nothing came back within {@link #SILENCE_MILLIS}, and the connection is still open. */
    private static void assertSilent(Socket s) throws IOException {
        int was = s.getSoTimeout();
        s.setSoTimeout(SILENCE_MILLIS);
        try {
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
        } finally {
            s.setSoTimeout(was);
        }
    }

    /** The next read fails with a TCP reset (not a timeout, not an orderly end of stream). */
    private static void assertReset(Socket s) {
        SocketException e = assertThrows(SocketException.class, () -> {
            InputStream in = s.getInputStream();
            int b = in.read();
            throw new AssertionError("read " + b + " instead of a reset");
        });
        assertTrue(e.getMessage().contains("reset"), e.toString());
    }

    private static List<String> relayThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).sorted().toList();
    }

    /** Echoes every byte back; on end of stream it half-closes its side too. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        EchoServer() throws IOException {
            spawn(this::acceptLoop);
        }

        int port() {
            return listener.getLocalPort();
        }

        private void spawn(Runnable r) {
            Thread t = new Thread(r, "echo-" + listener.getLocalPort());
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket s = listener.accept();
                    open.add(s);
                    spawn(() -> echo(s));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void echo(Socket s) {
            try (s) {
                byte[] buf = new byte[8192];
                InputStream in = s.getInputStream();
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    s.getOutputStream().write(buf, 0, n);
                }
                s.shutdownOutput();
                in.read(); // until the relay closes
            } catch (IOException e) {
                // reset by a drill
            } finally {
                open.remove(s);
            }
        }

        @Override
        public void close() throws Exception {
            listener.close();
            for (Socket s : open) {
                s.close();
            }
            for (Thread t : threads) {
                t.join(5_000);
            }
        }
    }
}
