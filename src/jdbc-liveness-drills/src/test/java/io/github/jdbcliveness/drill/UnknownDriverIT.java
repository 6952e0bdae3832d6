package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import io.github.jdbcliveness.LivenessStats;
import io.github.jdbcliveness.LivenessStats.Layer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A driver whose sockets jdbc-liveness cannot see: H2 2.x in TCP server mode, a real network server in this JVM,
 * reached through a {@link TcpRelay} (H2 runs in-process, so it cannot be SIGSTOPped: the relay's freeze is the hung
 * server, its blackhole the dead path; no root needed). Only the budget is set: the pool starts with keepalive, the
 * watchdog and the borrow-time socket check off and says why; heartbeats evict dead idle connections within B and
 * their sockets are really closed (H2's {@code abort()} does nothing); a request in flight on a hung server ends
 * with the host verdict, side by side with plain HikariCP on the same driver and the same fault (whose request waits
 * as long as the server hangs, and whose new borrow outlives connectionTimeout: H2's isValid ignores its timeout).
 */
class UnknownDriverIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;
    private static Server h2;

    @BeforeAll
    static void startH2() throws SQLException {
        h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    }

    @AfterAll
    static void stopH2() {
        if (h2 != null) {
            h2.stop();
        }
    }

    private static HikariConfig hikari(TcpRelay relay, String name, int size) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl("jdbc:h2:tcp://127.0.0.1:" + relay.port() + "/mem:drill;DB_CLOSE_DELAY=-1");
        c.setUsername("sa");
        c.setPassword("");
        c.setPoolName(name);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(size);
        c.setConnectionTimeout(B.toMillis() / 2);
        return c;
    }

    private static LivenessConfig onlyTheBudget() {
        return LivenessConfig.builder().detectionBudget(B).build();
    }

    @Test
    void onlyTheBudget_startsWithTheSocketLayersOff_andDeadIdleFlowsAreEvictedWithinBudget_leavingNoSocketOpen()
            throws Exception {
        EvictionRecorder recorder = new EvictionRecorder();
        try (TcpRelay relay = TcpRelay.start("127.0.0.1", h2.getPort());
                LivenessDataSource ds = LivenessDataSource.create(hikari(relay, "h2-idle", POOL), onlyTheBudget())) {
            ds.addListener(recorder);
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));
            LivenessStats started = ds.stats();
            System.out.printf("H2 layers off: %s%n", started.off());
            assertEquals(Set.of(Layer.KEEPALIVE, Layer.WATCHDOG, Layer.BORROW_CHECK), started.off().keySet());
            assertTrue(started.off().values().stream().allMatch(r -> r.contains("org.h2.Driver")),
                    started.off().toString());

            Set<Integer> old = KernelView.establishedTo(relay.port());
            assertEquals(POOL, old.size(), "the pool's flows: " + old);
            relay.blackhole();
            long fault = System.nanoTime();

            List<EvictionRecorder.Eviction> seen = recorder.await(POOL, B.plusSeconds(2));
            long last = seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0);
            System.out.printf("H2 blackhole: %d evicted, the first %.2f s, the last %.2f s after the fault (%s)%n",
                    seen.size(), seen.stream().mapToLong(e -> e.atNanos() - fault).min().orElse(0) / 1e9,
                    last / 1e9, seen.stream().map(e -> e.reason().toString()).distinct().toList());
            assertTrue(seen.size() >= POOL, "evicted " + seen.size() + " of " + POOL);
            assertTrue(last <= B.toNanos(), "last eviction " + last / 1e9 + " s after the fault, budget " + B);

            Set<Integer> stillOpen = new HashSet<>(old);
            Pools.awaitTrue(B, () -> {
                stillOpen.retainAll(established(relay.port()));
                return stillOpen.isEmpty();
            }, () -> stillOpen.size() + " of the " + POOL + " evicted connections' sockets still ESTABLISHED: "
                    + stillOpen);
            System.out.printf("H2 blackhole: 0 of %d old sockets ESTABLISHED %.2f s after the fault%n", POOL,
                    (System.nanoTime() - fault) / 1e9);

            relay.heal();
            Pools.awaitIdle(pool, POOL, B.multipliedBy(2));
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
            assertEquals(0, ds.stats().knownDeadNow(), ds.stats().toString());
        }
    }

    private static Set<Integer> established(int port) {
        try {
            return KernelView.establishedTo(port);
        } catch (Exception e) {
            throw new AssertionError("ss failed", e);
        }
    }

    /** A request and when it ended (or that it has not). */
    private record Request(CompletableFuture<Object> outcome, CountDownLatch done) {
        static Request start(Connection c, String sql) {
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    outcome.complete(rs.getInt(1));
                } catch (Throwable e) {
                    outcome.complete(e);
                } finally {
                    done.countDown();
                }
            }, "h2-drill-request");
            t.setDaemon(true);
            t.start();
            return new Request(outcome, done);
        }
    }

    @Test
    void hungServer_requestInFlight_endsWithTheHostVerdictWithinBudget_whilePlainHikariWaitsAsLongAsItHangs()
            throws Exception {
        try (TcpRelay relay = TcpRelay.start("127.0.0.1", h2.getPort());
                LivenessDataSource ds = LivenessDataSource.create(hikari(relay, "h2-hung", 4), onlyTheBudget());
                HikariDataSource plain = new HikariDataSource(hikari(relay, "h2-plain", 4))) {
            Pools.awaitIdle(ds.unwrap(HikariDataSource.class), 4, Duration.ofSeconds(10));
            Pools.awaitIdle(plain, 4, Duration.ofSeconds(10));
            Connection ours = ds.getConnection();
            Connection theirs = plain.getConnection();

            relay.freeze(); // the server hangs: its (relay's) kernel still ACKs, nothing answers
            long fault = System.nanoTime();
            Request oursRequest = Request.start(ours, "SELECT 1");
            Request theirsRequest = Request.start(theirs, "SELECT 1");

            boolean oursEnded = oursRequest.done().await(B.toMillis() + 2_000, TimeUnit.MILLISECONDS);
            long oursTook = System.nanoTime() - fault;
            boolean theirsEnded = theirsRequest.done().await(Math.max(0, fault + B.toNanos() + 2_000_000_000L
                    - System.nanoTime()), TimeUnit.NANOSECONDS);
            LivenessStats stats = ds.stats();
            System.out.printf("H2 hung server: jdbc-liveness's request %s after %.2f s (%s); plain HikariCP's "
                    + "request %s at %.2f s; host %s%n", oursEnded ? "ended" : "still waiting", oursTook / 1e9,
                    oursRequest.outcome().getNow("-"), theirsEnded ? "ended" : "still waiting",
                    (System.nanoTime() - fault) / 1e9, stats.host());
            assertTrue(oursEnded, "the request on the hung server still waits after B + 2 s: " + stats);
            assertTrue(oursTook <= B.toNanos(), "ended " + oursTook / 1e9 + " s after the fault, budget " + B);
            assertInstanceOf(SQLException.class, oursRequest.outcome().getNow(null));
            assertTrue(stats.host().timesDown() >= 1, stats.host().toString());
            assertFalse(theirsEnded, "plain HikariCP's request ended although the server still hangs: "
                    + theirsRequest.outcome().getNow(null));

            long borrow = System.nanoTime();
            SQLException refused = null;
            try (Connection c = ds.getConnection()) {
                Pools.selectOne(c);
            } catch (SQLException e) {
                refused = e;
            }
            long oursBorrowTook = System.nanoTime() - borrow;
            System.out.printf("H2 hung server: a new borrow from jdbc-liveness %s in %.3f s%n",
                    refused == null ? "succeeded" : "failed (" + refused.getMessage() + ")", oursBorrowTook / 1e9);
            assertTrue(refused != null && oursBorrowTook < TimeUnit.SECONDS.toNanos(1),
                    "a borrow on a host judged down should fail at once: " + refused);

            // Plain HikariCP checks a connection idle over 500 ms with isValid(validationTimeout), and H2's isValid
            // ignores its timeout (a round trip under the session lock): the borrower waits past connectionTimeout.
            CompletableFuture<Object> theirBorrow = new CompletableFuture<>();
            CountDownLatch theirBorrowDone = new CountDownLatch(1);
            long plainBorrow = System.nanoTime();
            Thread borrower = new Thread(() -> {
                try (Connection c = plain.getConnection()) {
                    theirBorrow.complete(Pools.selectOne(c));
                } catch (Throwable e) {
                    theirBorrow.complete(e);
                } finally {
                    theirBorrowDone.countDown();
                }
            }, "h2-drill-plain-borrow");
            borrower.setDaemon(true);
            borrower.start();
            boolean plainBorrowEnded = theirBorrowDone.await(plain.getConnectionTimeout() + 2_000,
                    TimeUnit.MILLISECONDS);
            System.out.printf("H2 hung server: a new borrow from plain HikariCP %s after %.2f s "
                    + "(connectionTimeout %d ms)%n", plainBorrowEnded ? "ended (" + theirBorrow.getNow(null) + ")"
                            : "still waiting", (System.nanoTime() - plainBorrow) / 1e9, plain.getConnectionTimeout());

            relay.heal();
            assertTrue(theirsRequest.done().await(10, TimeUnit.SECONDS), "plain request not released by heal");
            System.out.printf("H2 hung server: plain HikariCP's request ended %.2f s after the fault, on heal: %s%n",
                    (System.nanoTime() - fault) / 1e9, theirsRequest.outcome().getNow(null));
            assertTrue(theirBorrowDone.await(10, TimeUnit.SECONDS), "plain borrow not released by heal");
            theirs.close();
            ours.close();
            Pools.awaitTrue(B.multipliedBy(2), () -> !ds.stats().host().down(), () -> ds.stats().host().toString());
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
        }
    }
}
