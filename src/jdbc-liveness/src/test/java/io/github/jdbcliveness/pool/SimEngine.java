package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.heartbeat.Probeable;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The engine's real {@link Verdicts}, {@link BorrowGuard}, {@link LeaseAttempt} and {@link ProbeClaims}, opened up
 * for the simulator ({@code io.github.jdbcliveness.sim}) on its own connections and pool: each method calls the
 * engine's, unchanged, but {@link Entry#markDead} (a copy of {@code TrackedConnection.markDead}: the lease word and
 * the probe's waiters) and the lease attempt's set-up ({@code LeaseState.ready}, where {@code TrackedConnection}
 * also counts the entry for the evictor, which is not simulated). Test code.
 */
public final class SimEngine {

    /** {@link #check}: hand the connection to the borrower. */
    public static final long USE = BorrowGuard.USE;

    /** A simulated connection, as the engine's parts ask it (what {@code TrackedConnection} answers in a pool). */
    public interface Connection {

        SimLease lease();

        ConnectionRef ref();

        String hostKey();

        /** The connection as the heartbeat probes it. */
        Probeable probeable();

        /** Ends the physical connection at once ({@code PhysicalClose.abort}). */
        void abortPhysical();

        /** A peek at the socket ({@code ProbeTarget.closedByServer}): why it shows the server closed it, or null. */
        String closedByServer();

        /** Wakes the borrowers waiting for its probe's end ({@code ProbeTarget.ended}). */
        void probeEnded();
    }

    /** The simulated HikariCP, as the engine's eviction meets it ({@code Evictor}). */
    public interface Pool {

        /** HikariCP's end-of-life task for the entry, handed to a maintenance thread. */
        void evict(Connection c);

        /** HikariCP's end-of-life task for a leased entry, run now: it marks the entry evicted. */
        void evictLeased(Connection c);

        /** A borrower holding the connection's proxy evicts it: HikariCP closes it now. */
        void evictBorrowed(Connection c);
    }

    /**
     * One simulated connection as the engine's parts see it ({@link Borrowed}), with its real {@link ProbeClaims};
     * made once per connection ({@link #entry}).
     */
    public static final class Entry implements Borrowed {

        private final Connection c;
        private ProbeClaims<Entry> claims;

        private Entry(Connection c) {
            this.c = c;
        }

        /** {@link ProbeClaims#tryStartProbe}. */
        public long tryStartProbe() {
            return claims.tryStartProbe();
        }

        /** {@link ProbeClaims#start}: whether the queued probe may start on its thread. */
        public boolean startProbe(long token) {
            return claims.start(token);
        }

        public boolean probing(long token) {
            return claims.probing(token);
        }

        public void probePassed(long token, long startNanos, long endNanos) {
            claims.passed(token, startNanos, endNanos);
        }

        public void probeFailed(long token, Throwable cause, long startNanos, long endNanos) {
            claims.failed(token, cause, startNanos, endNanos);
        }

        public void probeTimedOut(long token, long startNanos, long nowNanos) {
            claims.timedOut(token, startNanos, nowNanos);
        }

        public boolean retired() {
            return claims.retired();
        }

        /** {@link ProbeClaims#answered}: the server's last answer to the application, at the end of a lease. */
        public void answered(long answeredNanos) {
            claims.answered(answeredNanos);
        }

        @Override
        public ConnectionRef ref() {
            return c.ref();
        }

        @Override
        public String hostKey() {
            return c.hostKey();
        }

        @Override
        public Probeable probeable() {
            return c.probeable();
        }

        @Override
        public long lastAliveNanos() {
            return claims.lastAliveNanos();
        }

        @Override
        public boolean markDeadIfLease(long leaseEpoch) {
            return c.lease().leaseState().markDeadIfLease(leaseEpoch);
        }

        @Override
        public void abortPhysical() {
            c.abortPhysical();
        }

        @Override
        public LeaseState.Lease lease() {
            return c.lease().leaseState().lease();
        }

        @Override
        public long refusedAfterNanos() {
            return c.lease().leaseState().refusedAfterNanos();
        }

        @Override
        public String closedByServer() {
            return c.closedByServer();
        }

        @Override
        public String wrongRoleAtBorrow() {
            return null; // no role is required in the simulation
        }

        /** {@code TrackedConnection.markDead}. */
        @Override
        public boolean markDead() {
            boolean changed = c.lease().leaseState().markDead();
            c.probeEnded();
            return changed;
        }

        @Override
        public boolean roundTrip() {
            throw new UnsupportedOperationException("validate-on-borrow is not simulated");
        }
    }

    /** A borrower's {@link LeaseAttempt} on one connection. */
    public static final class Attempt {

        private final LeaseAttempt attempt;

        private Attempt(LeaseAttempt attempt) {
            this.attempt = attempt;
        }

        /** @see LeaseAttempt#step */
        public boolean step(long nowNanos) {
            return attempt.step(nowNanos);
        }

        public long waitUntilNanos() {
            return attempt.waitUntilNanos();
        }

        public boolean leasedAfterWaiting() {
            return attempt.leasedAfterWaiting();
        }
    }

    private final PoolEvents events;
    private final Verdicts<Entry> verdicts;
    private final BorrowGuard<Entry> guard;
    private final long probeTimeoutNanos;

    /**
     * @param sweep the heartbeat's sweep ({@code HeartbeatScheduler.sweep}): a host key, and the connection to leave
     *              out (or null)
     */
    public SimEngine(SimPoolEvents events, Pool pool, BiConsumer<String, Probeable> sweep, long probeTimeoutNanos,
            LongSupplier clock) {
        this.probeTimeoutNanos = probeTimeoutNanos;
        this.events = events.events();
        this.verdicts = new Verdicts<>(events.events(), new Verdicts.Eviction<>() {
            @Override
            public void evict(Entry e) {
                pool.evict(e.c);
            }

            @Override
            public void evictLeased(Entry e) {
                pool.evictLeased(e.c);
            }
        }, sweep::accept, Duration.ofNanos(probeTimeoutNanos));
        this.guard = new BorrowGuard<>("sim", events.events(), verdicts, new BorrowGuard.Pool<>() {
            @Override
            public void evictBorrowed(Entry e, java.sql.Connection proxy) {
                pool.evictBorrowed(e.c);
            }

            @Override
            public void runProbe(Entry e, ProbeCall call) {
                throw new UnsupportedOperationException("validate-on-borrow is not simulated");
            }
        }, probeTimeoutNanos, clock, false);
    }

    /**
     * The engine's parts for a new connection.
     *
     * @param host             its host's verdict
     * @param flowAcknowledged whether the kernel holds everything it sent acknowledged ({@code ProbeTarget}'s look)
     */
    public Entry entry(Connection c, Supplier<SimHost> host, BooleanSupplier flowAcknowledged, long nowNanos) {
        Entry e = new Entry(c);
        e.claims = new ProbeClaims<>(e, c.lease().leaseState(), events, verdicts, () -> host.get().watch(),
                flowAcknowledged, c::probeEnded, nowNanos);
        return e;
    }

    /** {@link Verdicts#abortInFlight}. */
    public void abortInFlight(Entry e, long leaseEpoch, String detail, long nowNanos) {
        verdicts.abortInFlight(e, leaseEpoch, detail, nowNanos);
    }

    /** {@link Verdicts#abortOnDownHost}. */
    public void abortOnDownHost(Entry e, long leaseEpoch, String detail, long nowNanos) {
        verdicts.abortOnDownHost(e, leaseEpoch, detail, nowNanos);
    }

    /** {@link Verdicts#sweepHost}. */
    public void sweepHost(String hostKey) {
        verdicts.sweepHost(hostKey);
    }

    /**
     * {@link BorrowGuard#check} (validate-on-borrow off).
     *
     * @return {@link #USE}, or (found dead and evicted: ask the pool again) how long the borrow waited for a probe
     */
    public long check(Entry e) {
        try {
            return guard.check(e, null, 0);
        } catch (SQLException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** {@code TrackedConnection.beginRequest}'s {@link LeaseAttempt}, started at {@code nowNanos}. */
    public Attempt attempt(Connection c, long nowNanos) {
        LeaseState state = c.lease().leaseState();
        return new Attempt(new LeaseAttempt(state, probeTimeoutNanos, nowNanos, state::ready));
    }
}
