package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults of a {@link TcpRelay} between pgjdbc and the embedded PostgreSQL: no root, no Docker. The relay's kernel ACKs
 * everything, so keepalive and the watchdog's kernel evidence see nothing; the heartbeat and the host verdict must.
 */
class TcpRelayIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 5;

    private DatabaseTarget target;
    private TcpRelay relay;
    private LivenessDataSource ds;
    private HikariDataSource pool;
    private final EvictionRecorder recorder = new EvictionRecorder();

    @BeforeEach
    void pool() throws Exception {
        target = DatabaseTargets.postgres();
        Pools.endAllSessions(target, "postgresql");
        relay = TcpRelay.start(target.host(), target.port());
        HikariConfig config = Pools.hikari(target, "postgresql", "relay", POOL);
        config.setJdbcUrl(relay.rewrite(target.jdbcUrl("postgresql")));
        ds = LivenessDataSource.create(config, LivenessConfig.builder().detectionBudget(B).build());
        ds.addListener(recorder);
        pool = ds.unwrap(HikariDataSource.class);
        Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));
    }

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void freeze_queryInFlightFailsWithinBPlusOne_idleOnesAreEvicted_andThePoolRefillsWithinBOfTheHeal()
            throws Exception {
        CompletableFuture<Long> inFlight = CompletableFuture.supplyAsync(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(3)"); // answers after 3 s, unless the relay freezes meanwhile
                return -1L;
            } catch (SQLException e) {
                return System.nanoTime();
            }
        });
        Waits.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)); // scripted: the query is sent
        long fault = System.nanoTime();
        relay.freeze();
        long failedAt = inFlight.get(B.toSeconds() + 4, TimeUnit.SECONDS);
        List<EvictionRecorder.Eviction> evicted = recorder.await(POOL, B.plusSeconds(1));
        String mode = relay.mode();
        long healed = System.nanoTime();
        relay.heal();
        Pools.awaitIdle(pool, POOL, B.multipliedBy(2)); // asserted against B below, measured here
        long full = System.nanoTime();
        System.out.printf("relay freeze (%s): the query in flight failed %.2f s after the freeze; evictions %s;"
                + " the pool full %.2f s after the heal%n  %s%n", mode, (failedAt - fault) / 1e9,
                describe(evicted, fault), (full - healed) / 1e9, ds.stats().host());

        assertTrue(failedAt > 0, "the query completed although the relay was frozen");
        assertTrue(failedAt - fault <= B.plusSeconds(1).toNanos(), "failed " + (failedAt - fault) / 1e9 + " s in");
        assertTrue(evicted.size() >= POOL, "evicted within B + 1 s: " + describe(evicted, fault));
        assertTrue(evicted.stream().allMatch(e -> e.reason() == EvictionReason.PROBE_TIMEOUT
                || e.reason() == EvictionReason.HOST_DOWN), describe(evicted, fault));
        assertTrue(full - healed <= B.toNanos(), "the pool was full " + (full - healed) / 1e9 + " s after the heal");
        assertWorks(10);
    }

    @Test
    void blackhole_everyIdleConnectionIsEvictedWithinB_andRequestsAfterTheHealSucceed() throws Exception {
        long fault = System.nanoTime();
        relay.blackhole();
        List<EvictionRecorder.Eviction> evicted = recorder.await(POOL, B.plusSeconds(2));
        String mode = relay.mode();
        long healed = System.nanoTime();
        relay.heal();
        long firstOk = firstSuccess(B.multipliedBy(2));
        Pools.awaitIdle(pool, POOL, B.multipliedBy(2));
        long full = System.nanoTime();
        long lastEviction = evicted.stream().limit(POOL).mapToLong(e -> e.atNanos() - fault).max().orElse(-1);
        System.out.printf("relay blackhole (%s): %d idle evicted, the last %.2f s after the fault: %s; after the heal "
                + "the first request succeeded at %.2f s (%d failed before it, the first: %s), the pool full at %.2f s%n"
                + "  %s%n", mode, evicted.size(), lastEviction / 1e9, describe(evicted, fault), (firstOk - healed) / 1e9,
                failedAfterHeal, firstFailure, (full - healed) / 1e9, ds.stats().host());

        assertTrue(evicted.size() >= POOL, "evicted: " + describe(evicted, fault));
        assertTrue(lastEviction <= B.toNanos(), "the last of the pool evicted " + lastEviction / 1e9 + " s in");
        assertTrue(full - healed <= B.toNanos(), "the pool was full " + (full - healed) / 1e9 + " s after the heal");
        assertWorks(10);
    }

    @Test
    void reset_theDeadAreNotHandedOut_onlyRequestsInFlightFail() throws Exception {
        CompletableFuture<Boolean> inFlight = CompletableFuture.supplyAsync(() -> {
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(2)");
                return true;
            } catch (SQLException e) {
                return false;
            }
        });
        Waits.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)); // scripted: the query is sent
        long fault = System.nanoTime();
        relay.reset(); // a proxy restart: every flow reset at once,
        relay.heal(); // and new ones taken at once
        int ok = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            try (Connection c = ds.getConnection()) {
                ok += Pools.selectOne(c);
            }
        }
        long took = System.nanoTime() - start;
        boolean inFlightOk = inFlight.get(10, TimeUnit.SECONDS);
        // the idle ones; the one in flight leaves through HikariCP on its own 08xxx error, not through an eviction
        List<EvictionRecorder.Eviction> evicted = recorder.await(POOL - 1, B);
        System.out.printf("relay reset: 20 requests after it all succeeded in %.0f ms; the one in flight %s;"
                + " evictions %s; dead skipped at borrow %d%n", took / 1e6, inFlightOk ? "succeeded" : "failed",
                describe(evicted, fault), ds.stats().borrowsSkippedDead());
        assertEquals(20, ok);
        assertTrue(!inFlightOk, "a request in flight through a reset relay cannot have succeeded");
        Pools.awaitIdle(pool, POOL, B);
    }

    private int failedAfterHeal;
    private String firstFailure = "none";

    /** Retries {@code SELECT 1} until it succeeds, counting the failures; the moment it did. */
    private long firstSuccess(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        SQLException last = null;
        while (System.nanoTime() < end) {
            try (Connection c = ds.getConnection()) {
                Pools.selectOne(c);
                return System.nanoTime();
            } catch (SQLException e) {
                if (failedAfterHeal++ == 0) {
                    firstFailure = e.toString();
                }
                last = e;
                Waits.parkUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
        throw new AssertionError("no request succeeded within " + deadline + " of the heal", last);
    }

    private void assertWorks(int requests) throws SQLException {
        for (int i = 0; i < requests; i++) {
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
        }
    }

    private static String describe(List<EvictionRecorder.Eviction> evicted, long fault) {
        Map<EvictionReason, String> byReason = new TreeMap<>();
        evicted.stream().collect(Collectors.groupingBy(EvictionRecorder.Eviction::reason)).forEach((r, es) ->
                byReason.put(r, es.stream().map(e -> String.format("%.2f", (e.atNanos() - fault) / 1e9))
                        .collect(Collectors.joining(" ", "[", "] s"))));
        return byReason.toString();
    }
}
