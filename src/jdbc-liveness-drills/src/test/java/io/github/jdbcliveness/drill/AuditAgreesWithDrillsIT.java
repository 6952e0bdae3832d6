package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.audit.Audit;
import io.github.jdbcliveness.audit.AuditTable;
import io.github.jdbcliveness.audit.AuditText;
import io.github.jdbcliveness.audit.Cell;
import io.github.jdbcliveness.audit.Mode;
import io.github.jdbcliveness.audit.Mode.State;
import io.github.jdbcliveness.audit.PoolSettings;
import io.github.jdbcliveness.audit.Row;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit never promises what the drills cannot show: audit the embedded PostgreSQL at B = 6 s, run the drill of
 * each mode that can run here, and check that what was measured stays within the prediction plus {@link #MARGIN}
 * (scheduling on two busy cores and the fault's own latency), and that where the audit says plain HikariCP misses
 * the budget, the drill saw it miss.
 */
class AuditAgreesWithDrillsIT {

    static final Duration B = Duration.ofSeconds(6);
    /** What a measurement may exceed its prediction by. */
    static final Duration MARGIN = Duration.ofSeconds(1);

    static DatabaseTarget target;
    static AuditTable audit;

    @BeforeAll
    static void auditFirst() throws Exception {
        target = DatabaseTargets.postgres();
        audit = Audit.run(target.jdbcUrl("postgresql"), target.credentials(),
                LivenessConfig.builder().detectionBudget(B).build(), PoolSettings.defaults(target.jdbcUrl("postgresql")));
        System.out.println(AuditText.format(audit));
        assertEquals(0, audit.exitCode(), "jdbc-liveness's derived settings must pass the gate here");
        assertTrue(audit.inputs().applied().orElseThrow().asRequested(), "the tuned socket carries what was asked");
    }

    private static Duration predicted(Cell c) {
        return c.after().orElseThrow(() -> new AssertionError("no prediction: " + c));
    }

    private static void within(Duration measured, Cell prediction, String what) {
        Duration bound = predicted(prediction).plus(MARGIN);
        System.out.printf("AUDIT-VS-DRILL %s: measured %.2f s, predicted %.2f s (margin %d s)%n", what,
                measured.toMillis() / 1e3, predicted(prediction).toMillis() / 1e3, MARGIN.toSeconds());
        assertTrue(measured.compareTo(bound) <= 0, what + ": measured " + measured + " > predicted "
                + predicted(prediction) + " + " + MARGIN);
    }

    @Test
    void inFlight_flowBlackholedWhileAwaitingTheAnswer_withinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        InFlightDrill.Report r = InFlightDrill.run(target, "postgresql", B);
        Row row = audit.row(Mode.NAT_EVICTION, State.AWAITING);
        assertTrue(r.layered().detected(), r.format());
        within(r.layered().failedAfterFault(), row.liveness(), "in-flight, jdbc-liveness");
        // the audit says plain HikariCP never notices: the drill must not have seen it notice within its watch
        assertTrue(row.plain().verdict().misses(), row.plain().toString());
        assertFalse(r.plain().detected(), r.format());
    }

    @Test
    void idleFlowsDropped_evictedWithinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        IdleDrill.Report r = IdleDrill.run(target, B);
        Row row = audit.row(Mode.NAT_EVICTION, State.IDLE);
        assertEquals(10, r.liveness().evictedWithinBudget(), r.format());
        within(r.liveness().lastEviction(), row.liveness(), "idle flows dropped, jdbc-liveness, last eviction");
        assertTrue(row.plain().verdict().misses(), row.plain().toString());
        assertEquals(0, r.plain().evictedWithinBudget(), r.format());
    }

    /** The drill runs jdbc-liveness with nothing but B set, as the audit predicts it. */
    @Test
    void hungServer_requestsEndWithinThePrediction() throws Exception {
        TrafficDrill.Report r = TrafficDrill.run(target, "postgresql", B, TrafficDrill.Fault.HUNG_RELAY);
        Row row = audit.row(Mode.HUNG_SERVER, State.AWAITING);
        TrafficDrill.Row liveness = r.row(TrafficDrill.LIVENESS);
        assertEquals(0, liveness.hung(), r.format());
        within(liveness.max(), row.liveness(), "hung server under traffic, jdbc-liveness, slowest request");
        assertTrue(row.plain().verdict().misses(), row.plain().toString());
        assertTrue(r.row(TrafficDrill.PLAIN).hung() > 0, r.format());
    }

    /** Every packet to the server port dropped: the idle pool is emptied within the prediction. */
    @Test
    void deadRoute_idleConnectionsEvictedWithinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        Row row = audit.row(Mode.DEAD_ROUTE, State.IDLE);
        try (Idle pool = new Idle("audit-dead-route"); NftFaults faults = NftFaults.open()) {
            faults.blackhole(target.port());
            long fault = System.nanoTime();
            within(pool.lastOfAllEvicted(fault, predicted(row.liveness())), row.liveness(),
                    "dead route, idle, jdbc-liveness, last eviction");
        } finally {
            Pools.endAllSessions(target, "postgresql");
        }
    }

    /** The server ends every idle session: the pool finds them all within the prediction. */
    @Test
    void serverKill_idleConnectionsEvictedWithinThePrediction() throws Exception {
        Row row = audit.row(Mode.SERVER_KILL, State.IDLE);
        try (Idle pool = new Idle("audit-server-kill")) {
            long fault = System.nanoTime();
            Pools.killAllSessions(target, "postgresql");
            within(pool.lastOfAllEvicted(fault, predicted(row.liveness())), row.liveness(),
                    "server kill, idle, jdbc-liveness, last eviction");
        }
    }

    /**
     * An idle flow dropped, then a request sent on it right after a probe passed (so the heartbeat cannot find the
     * flow dead first): the request fails within the prediction for a request unacknowledged.
     */
    @Test
    void requestIntoADeadPath_failsWithinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        Row row = audit.row(Mode.DEAD_PATH_REQUEST, State.UNACKNOWLEDGED);
        Pools.endAllSessions(target, "postgresql");
        java.util.concurrent.Semaphore passed = new java.util.concurrent.Semaphore(0);
        try (io.github.jdbcliveness.LivenessDataSource ds = io.github.jdbcliveness.LivenessDataSource.create(
                Pools.hikari(target, "postgresql", "audit-dead-path", 1), LivenessConfig.builder().detectionBudget(B)
                        .build()); NftFaults faults = NftFaults.open()) {
            ds.addListener(new io.github.jdbcliveness.LivenessListener() {
                @Override
                public void onProbePassed(io.github.jdbcliveness.ConnectionRef connection, Duration took) {
                    passed.release();
                }
            });
            int clientPort;
            try (java.sql.Connection c = ds.getConnection()) {
                clientPort = ServerSql.of(target.kind()).clientPort(c);
            }
            passed.drainPermits();
            assertTrue(passed.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS), "no probe passed");
            faults.dropFlows(target.port(), java.util.List.of(clientPort));
            long fault = System.nanoTime();
            long failedAt = 0;
            try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            } catch (java.sql.SQLException e) {
                failedAt = System.nanoTime();
            }
            assertTrue(failedAt > 0, "the request succeeded on a dropped flow");
            within(Duration.ofNanos(failedAt - fault), row.liveness(), "request into a dead path, jdbc-liveness");
        } finally {
            Pools.endAllSessions(target, "postgresql");
        }
    }

    /** The audit says a long query on a healthy path is never aborted, and rightly: it completes. */
    @Test
    void longQuery_isNotAborted_asPredicted() throws Exception {
        Row row = audit.row(Mode.LONG_QUERY, State.AWAITING);
        assertEquals(Cell.Verdict.NEVER_RIGHT, row.liveness().verdict(), row.liveness().toString());
        try (io.github.jdbcliveness.LivenessDataSource ds = io.github.jdbcliveness.LivenessDataSource.create(
                Pools.hikari(target, "postgresql", "audit-long-query", 2), LivenessConfig.builder().detectionBudget(B)
                        .build()); java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(ServerSql.of(target.kind()).sleep((int) (2 * B.toSeconds())));
            assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
        }
    }

    /** MariaDB too: the audit passes the gate there, and the in-flight drill stays within its prediction. */
    @Test
    void mariadb_inFlight_withinThePrediction() throws Exception {
        Drills.requireKernelFaults();
        DatabaseTarget mariadb = DatabaseTargets.mysql();
        AuditTable maria = Audit.run(mariadb.jdbcUrl("mariadb"), mariadb.credentials(),
                LivenessConfig.builder().detectionBudget(B).build(), PoolSettings.defaults(mariadb.jdbcUrl("mariadb")));
        System.out.println(AuditText.format(maria));
        assertEquals(0, maria.exitCode(), "jdbc-liveness's derived settings must pass the gate on MariaDB too");
        InFlightDrill.Report r = InFlightDrill.run(mariadb, "mariadb", B);
        assertTrue(r.layered().detected(), r.format());
        within(r.layered().failedAfterFault(), maria.row(Mode.NAT_EVICTION, State.AWAITING).liveness(),
                "in-flight on MariaDB, jdbc-liveness");
    }

    /** A full idle pool of ten with nothing but B set, and a recorder of its evictions. */
    private static final class Idle implements AutoCloseable {
        final io.github.jdbcliveness.LivenessDataSource ds;
        final EvictionRecorder recorder = new EvictionRecorder();

        Idle(String name) throws Exception {
            Pools.endAllSessions(target, "postgresql");
            ds = io.github.jdbcliveness.LivenessDataSource.create(Pools.hikari(target, "postgresql", name, 10),
                    LivenessConfig.builder().detectionBudget(B).build());
            ds.addListener(recorder);
            Pools.awaitIdle(ds.unwrap(com.zaxxer.hikari.HikariDataSource.class), 10, Duration.ofSeconds(10));
        }

        /** When the last of the ten was evicted, counted from {@code fault}; waits up to the prediction + 2 s. */
        Duration lastOfAllEvicted(long fault, Duration prediction) throws InterruptedException {
            java.util.List<EvictionRecorder.Eviction> seen = recorder.await(10, prediction.plus(MARGIN).plusSeconds(1));
            assertEquals(10, seen.size(), "evicted " + seen.size() + " of 10: " + seen);
            return Duration.ofNanos(seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElseThrow());
        }

        @Override
        public void close() {
            ds.close();
        }
    }
}
