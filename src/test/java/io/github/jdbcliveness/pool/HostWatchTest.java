package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.net.ConnectException;
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

    @Test
    void anErrorFromTheServer_isAnAnswer_silenceFromTheNetworkIsNot() {
        assertTrue(HostWatch.noAnswer(new SQLException("refused", "08001", new ConnectException("refused"))));
        assertTrue(HostWatch.noAnswer(new SQLException("timeout", "08001", new SocketTimeoutException())));
        assertTrue(HostWatch.noAnswer(new SQLException("link failure", "08S01")), "no cause: the state says it");
        assertFalse(HostWatch.noAnswer(new SQLException("too many connections", "08004")));
        assertFalse(HostWatch.noAnswer(new SQLException("too many clients", "53300")));
        assertFalse(HostWatch.noAnswer(new SQLException("password authentication failed", "28P01")));
        assertFalse(HostWatch.noAnswer(new SQLException("ssl", "08006", new SSLHandshakeException("alert"))),
                "a TLS alert comes from a server that answers");
        assertFalse(HostWatch.noAnswer(new SQLException("public key retrieval", "08001",
                new IllegalStateException("not allowed"))), "a cause that is not the network: an answer");
    }
}
