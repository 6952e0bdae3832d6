package io.github.jdbcliveness.pool;

import static io.github.jdbcliveness.pool.ConnectOutcome.ANSWERED;
import static io.github.jdbcliveness.pool.ConnectOutcome.SILENT;
import static io.github.jdbcliveness.pool.ConnectOutcome.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * The host verdict wired into a real HikariCP on the stub driver: a host that refuses every new connection is judged
 * down and borrowers fail at once; it is re-admitted once it answers; and what counts as an answer.
 */
class HostWatchTest {

    /** The quiet a failed connect's server may keep after its last bytes and still have answered. */
    private static final long QUIET = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);

    /** A stub pool of three, with a connectionTimeout a fail-fast borrow must beat by far. */
    private static HikariConfig hikari(StubServer server, String name) {
        HikariConfig c = PoolBindingTest.hikari(server, name, 3);
        c.setConnectionTimeout(3000);
        return c;
    }

    @Test
    void aHostThatRefusesNewConnections_isJudgedDown_borrowersFailAtOnce_andItIsReadmittedOnceItAnswers()
            throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "verdict"), PoolBindingTest.fast().build())) {
            StubServer.await(() -> ds.stats().tracked() == 3, () -> ds.stats().toString());
            server.refuseConnects = true;
            server.killAll(); // the heartbeat finds them dead; HikariCP's refills are refused
            StubServer.await(() -> ds.stats().host().down(), () -> ds.stats().host().toString());

            long start = System.nanoTime();
            SQLException e = assertThrows(SQLTransientConnectionException.class, ds::getConnection);
            long took = System.nanoTime() - start;
            assertTrue(e.getMessage().contains("judged down") && e.getMessage().contains("refuses"), e.getMessage());
            assertTrue(took < 2_000_000_000L, "a borrow waited " + took / 1e9 + " s, connectionTimeout is 3 s");
            assertEquals(1, ds.stats().host().timesDown());

            server.refuseConnects = false;
            StubServer.await(() -> !ds.stats().host().down(), () -> ds.stats().host().toString());
            try (Connection c = ds.getConnection()) {
                assertTrue(c.isValid(1));
            }
        }
    }

    /**
     * A borrower already waiting inside HikariCP when the verdict comes (the pool is exhausted) is woken and fails
     * at once, instead of waiting out a connectionTimeout of 30 s; its thread is not left interrupted.
     */
    @Test
    void aBorrowerAlreadyWaitingWhenTheHostIsJudgedDown_failsAtOnce() throws Exception {
        StubServer server = StubServer.start();
        HikariConfig hikari = hikari(server, "verdict-waiting");
        hikari.setConnectionTimeout(30_000);
        try (LivenessDataSource ds = LivenessDataSource.create(hikari, PoolBindingTest.fast().build())) {
            StubServer.await(() -> ds.stats().tracked() == 3, () -> ds.stats().toString());
            Connection a = ds.getConnection();
            Connection b = ds.getConnection();
            Connection c = ds.getConnection();
            java.util.concurrent.CompletableFuture<Object> waiter = new java.util.concurrent.CompletableFuture<>();
            Thread t = new Thread(() -> {
                try (Connection got = ds.getConnection()) {
                    waiter.complete(got);
                } catch (Throwable e) {
                    waiter.complete(Thread.currentThread().isInterrupted() ? new AssertionError("left interrupted", e)
                            : e);
                }
            }, "waiting-borrower");
            t.start();
            com.zaxxer.hikari.HikariDataSource pool = ds.unwrap(com.zaxxer.hikari.HikariDataSource.class);
            StubServer.await(() -> pool.getHikariPoolMXBean().getThreadsAwaitingConnection() == 1,
                    () -> "waiting: " + pool.getHikariPoolMXBean().getThreadsAwaitingConnection());

            server.refuseConnects = true;
            server.killAll();
            assertThrows(SQLException.class, () -> a.createStatement().execute("SELECT 1"));
            a.close(); // HikariCP evicts it as broken; its refill is refused, and the host is judged down
            long start = System.nanoTime();
            Object outcome = waiter.get(20, java.util.concurrent.TimeUnit.SECONDS);
            long took = System.nanoTime() - start;
            assertTrue(outcome instanceof SQLTransientConnectionException, String.valueOf(outcome));
            assertTrue(((SQLException) outcome).getMessage().contains("judged down"), String.valueOf(outcome));
            assertTrue(ds.stats().host().down());
            assertTrue(took < 10_000_000_000L, "the waiting borrower failed " + took / 1e9 + " s after the fault");
            b.close();
            c.close();
        }
    }

    /**
     * A lease the verdict aborts (no socket of ours: every lease on the down host counts as waiting) is already
     * marked evicted in HikariCP when its physical connection ends, so its borrower's {@code close()} right after the
     * abort returns quietly, as HikariCP's does for a connection it evicted; it used to throw "connection is closed"
     * when it came before the eviction (CI, 2 runs in 60).
     */
    @Test
    void aLeaseTheVerdictAborted_closesQuietly_evenAtTheMomentOfTheAbort() throws Exception {
        StubServer server = StubServer.start();
        try (LivenessDataSource ds = LivenessDataSource.create(hikari(server, "verdict-abort"),
                PoolBindingTest.fast().build())) {
            StubServer.await(() -> ds.stats().tracked() == 3, () -> ds.stats().toString());
            Connection a = ds.getConnection();
            java.util.List<Connection> held = java.util.List.of(ds.getConnection(), ds.getConnection());
            java.util.Queue<Throwable> closeErrors = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.CountDownLatch closedAtAbort = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
            server.onAbort = () -> {
                if (once.compareAndSet(false, true)) {
                    for (Connection c : held) {
                        try {
                            c.close();
                        } catch (Throwable e) {
                            closeErrors.add(e);
                        }
                    }
                    closedAtAbort.countDown();
                }
            };
            server.refuseConnects = true;
            server.killAll();
            assertThrows(SQLException.class, () -> a.createStatement().execute("SELECT 1"));
            a.close(); // HikariCP evicts it as broken; its refill is refused, and the host is judged down
            assertTrue(closedAtAbort.await(20, java.util.concurrent.TimeUnit.SECONDS), "no lease was aborted");
            assertTrue(closeErrors.isEmpty(), "close() after the verdict's abort threw: " + closeErrors);
            assertTrue(ds.stats().host().down());
        }
    }

    @Test
    void anErrorFromTheServer_isAnAnswer_silenceFromTheNetworkIsNot() {
        assertEquals(SILENT, outcome(new SQLException("refused", "08001", new ConnectException("refused"))));
        assertEquals(SILENT, outcome(new SQLException("timeout", "08001", new SocketTimeoutException())));
        assertEquals(SILENT, outcome(new SQLException("no route", "08001", new NoRouteToHostException())));
        assertEquals(ANSWERED, outcome(new SQLException("no more connections allowed (max_client_conn)", "08P01")),
                "PgBouncer's refusal, which pgjdbc raises with no cause: the pooler answered");
        assertEquals(ANSWERED, outcome(new SQLException("the database system is starting up", "57P03")));
        assertEquals(ANSWERED, outcome(new SQLException("too many connections", "08004")));
        assertEquals(ANSWERED, outcome(new SQLException("too many clients", "53300")));
        assertEquals(ANSWERED, outcome(new SQLException("password authentication failed", "28P01")));
        assertEquals(ANSWERED, outcome(new SQLException("ssl", "08006", new SSLHandshakeException("alert"))),
                "a TLS alert comes from a server that answers");
        assertEquals(ANSWERED, outcome(new SQLException("public key retrieval", "08001",
                new IllegalStateException("not allowed"))), "a cause that is not the network: an answer");
        assertEquals(UNKNOWN, outcome(new SQLException("i/o", "08006", new java.io.EOFException())),
                "an I/O failure the network did not explain proves nothing either way");
    }

    /**
     * pgjdbc raises a pooler's refusal (PgBouncer's "no more connections allowed", 08P01) with no cause, as it would a
     * network error; our socket saw the server's bytes, which settles it. A server that accepts and says nothing is
     * silence, told by the network's own timeout.
     */
    @Test
    void aRefusalReadOnOurSocket_isAnAnswer_andAServerThatSaysNothing_isSilent() throws Exception {
        try (OneShotServer refusing = new OneShotServer(true); OneShotServer mute = new OneShotServer(false)) {
            long start = System.nanoTime();
            KeepaliveConnector.Attempt attempt = new KeepaliveConnector.Attempt();
            SQLException refused = assertThrows(SQLException.class, () -> connector(refusing.port(), "")
                    .connect(null, null, attempt).connection().close());
            assertEquals("08P01", refused.getSQLState(), refused.toString());
            assertTrue(attempt.seen() && attempt.tcpConnected(), "our socket took part");
            assertTrue(attempt.answeredAtNanos() - start >= 0, "the refusal was read on our socket");
            assertEquals(ANSWERED, ConnectOutcome.of(refused, attempt, start, System.nanoTime(), QUIET),
                    refused.toString());

            start = System.nanoTime();
            KeepaliveConnector.Attempt silent = new KeepaliveConnector.Attempt();
            SQLException timedOut = assertThrows(SQLException.class, () -> connector(mute.port(), "?socketTimeout=1")
                    .connect(null, null, silent).connection().close());
            assertTrue(silent.tcpConnected(), "the host's TCP answered");
            assertEquals(0, silent.answeredAtNanos(), "the server sent nothing");
            assertEquals(SILENT, ConnectOutcome.of(timedOut, silent, start, System.nanoTime(), QUIET),
                    timedOut.toString());
            assertEquals(SILENT, ConnectOutcome.of(new SQLException("Connection attempt timed out.", "08001"), silent,
                    start, System.nanoTime(), QUIET),
                    "pgjdbc's loginTimeout, with no cause, while our socket read nothing: silence");
        }
    }

    /**
     * A pooler that logs the client in itself (PgBouncer: its login answer at once), in front of a server that hangs:
     * the server's bytes came, then pgjdbc's {@code loginTimeout} gave up with its read still waiting for more, so
     * silence ended it ({@code HungServerBehindPgBouncerIT}). Before, any byte made the attempt an answer, and the
     * pool's refills and the host check re-admitted the host while its requests waited.
     */
    @Test
    void aServerThatSpokeAndThenSaidNothing_untilTheDriverGaveUp_isSilent() throws Exception {
        try (OneShotServer spokeThenHung = new OneShotServer(Mode.AUTH_OK_THEN_HANG)) {
            long start = System.nanoTime();
            KeepaliveConnector.Attempt attempt = new KeepaliveConnector.Attempt();
            SQLException timedOut = assertThrows(SQLException.class, () -> connector(spokeThenHung.port(),
                    "?loginTimeout=1").connect(null, null, attempt).connection().close());
            long failed = System.nanoTime();
            assertTrue(attempt.answeredAtNanos() - start >= 0, "the server's first bytes were read on our socket");
            assertTrue(attempt.readingSinceNanos() != 0, "pgjdbc's read still waits for the server: " + timedOut);
            assertEquals(SILENT, ConnectOutcome.of(timedOut, attempt, start, failed, QUIET), timedOut.toString());
            assertEquals(ANSWERED, ConnectOutcome.of(timedOut, attempt, start, failed, failed - start + 1),
                    "a wait within the allowance leaves the bytes an answer");
            attempt.closeSockets(); // pgjdbc's abandoned connect thread ends
        }
    }

    /**
     * A refusal the server sends after a pause (an authentication delay, a pooler that waited for a server first)
     * ended the attempt itself: no read waits for more, so it is an answer however late it came.
     */
    @Test
    void aRefusalAfterAPause_isStillAnAnswer() throws Exception {
        try (OneShotServer slowRefusal = new OneShotServer(Mode.REFUSE_AFTER_A_PAUSE)) {
            long start = System.nanoTime();
            KeepaliveConnector.Attempt attempt = new KeepaliveConnector.Attempt();
            SQLException refused = assertThrows(SQLException.class, () -> connector(slowRefusal.port(), "")
                    .connect(null, null, attempt).connection().close());
            long failed = System.nanoTime();
            assertEquals("08P01", refused.getSQLState(), refused.toString());
            assertTrue(failed - start >= 2 * QUIET, "the refusal came after a pause");
            assertEquals(ANSWERED, ConnectOutcome.of(refused, attempt, start, failed, QUIET), refused.toString());
        }
    }

    private static KeepaliveConnector connector(int port, String params) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("user", "u");
        return KeepaliveConnector.create("jdbc:postgresql://127.0.0.1:" + port + "/db" + params, p, null,
                io.github.jdbcliveness.KeepaliveSettings.forBudget(java.time.Duration.ofSeconds(6)));
    }

    /** What a {@link OneShotServer} does with its client. */
    private enum Mode { REFUSE, REFUSE_AFTER_A_PAUSE, MUTE, AUTH_OK_THEN_HANG }

    /**
     * Accepts one client; declines TLS and reads its startup message, then refuses it as PgBouncer does (at once or
     * after a pause), or answers the login's first step and says nothing more; or says nothing at all.
     */
    private static final class OneShotServer implements AutoCloseable {
        private final java.net.ServerSocket server;

        OneShotServer(boolean refuse) throws java.io.IOException {
            this(refuse ? Mode.REFUSE : Mode.MUTE);
        }

        OneShotServer(Mode mode) throws java.io.IOException {
            server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> serve(mode), "one-shot-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Mode mode) {
            try (java.net.Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
                if (mode == Mode.MUTE) {
                    while (in.read() >= 0) {
                        // a hung server: its kernel accepts and ACKs, it says nothing
                    }
                    return;
                }
                while (true) {
                    int len = in.readInt();
                    int code = in.readInt();
                    in.readNBytes(len - 8);
                    if (code == 80877103 || code == 80877104) { // SSLRequest, GSSENCRequest
                        out.writeByte('N');
                        out.flush();
                        continue;
                    }
                    break; // the startup message
                }
                if (mode == Mode.REFUSE_AFTER_A_PAUSE) {
                    java.util.concurrent.locks.LockSupport.parkNanos(3 * QUIET); // the server thinks, then refuses
                }
                if (mode == Mode.AUTH_OK_THEN_HANG) {
                    out.writeByte('R'); // AuthenticationOk, as a pooler answers a login itself
                    out.writeInt(8);
                    out.writeInt(0);
                    out.flush();
                    while (in.read() >= 0) {
                        // and then nothing more
                    }
                    return;
                }
                byte[] fields = ("SFATAL\0VFATAL\0C08P01\0Mno more connections allowed (max_client_conn)\0\0")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeByte('E');
                out.writeInt(4 + fields.length);
                out.write(fields);
                out.flush();
            } catch (java.io.IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    private static ConnectOutcome outcome(SQLException e) {
        return ConnectOutcome.of(e, null, 0, 0, QUIET);
    }
}
