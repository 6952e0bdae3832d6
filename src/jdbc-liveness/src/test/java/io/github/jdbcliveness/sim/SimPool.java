package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.pool.SimEngine;
import io.github.jdbcliveness.sim.EventLoop.Side;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * HikariCP 7.1, as far as the engine meets it: a fixed-size pool whose one adder thread opens connections one at a
 * time (30 ms apart, backing off from 10 ms to 5 s after a failure), a bag of idle entries, borrowers that wait for
 * one up to {@code connectionTimeout}, the end-of-life task the engine's evictor runs (closes an idle entry now, a
 * borrowed one when it comes back), a borrower's eviction (closes now), and close (closes the idle, aborts the
 * borrowed). Beside it, {@code PoolBinding}'s part: a new connection registers with the heartbeat, a closed one
 * leaves it. HikariCP's own borrow-time {@code isValid} (after 500 ms idle) is not simulated.
 */
final class SimPool implements SimEngine.Pool {

    static final long ADDED_PAUSE_NANOS = 30_000_000L;
    static final long BACKOFF_FIRST_NANOS = 10_000_000L;
    static final long BACKOFF_MAX_NANOS = 5_000_000_000L;

    /** A borrower waiting for an idle connection. */
    private record Waiter(Consumer<SimConnection> got, EventLoop.Event timeout) {
    }

    private final Sim sim;
    /** Every connection HikariCP holds (its total), opened and not closed. */
    final List<SimConnection> all = new ArrayList<>();
    private final List<SimConnection> bag = new ArrayList<>();
    private final Deque<Waiter> waiters = new ArrayDeque<>();
    private boolean adding;
    private long backoffNanos;
    /** HikariCP's adder sleeps after a failed connect, since then; its last sleep ended then. */
    boolean inBackoff;
    long backoffSinceNanos;
    long backoffEndedNanos;
    private int nextId;
    boolean closed;
    /** When it was closed (meaningful once {@link #closed}). */
    long closedAtNanos;

    SimPool(Sim sim) {
        this.sim = sim;
    }

    void start() {
        fill();
    }

    private void fill() {
        if (closed || adding || all.size() >= sim.settings.poolSize()) {
            return;
        }
        adding = true;
        backoffNanos = BACKOFF_FIRST_NANOS;
        attempt();
    }

    private void attempt() {
        if (closed) {
            adding = false;
            return;
        }
        long start = sim.loop.now();
        sim.network.connect(sim.settings.connectTimeoutNanos(), this::opened, (why, handshakeAt) -> {
            boolean tcpConnected = handshakeAt != 0;
            sim.host.connectFailed(start, why, !tcpConnected);
            inBackoff = true;
            backoffSinceNanos = sim.loop.now();
            sim.loop.after(backoffNanos, Side.CLIENT, "adder-retries", () -> {
                inBackoff = false;
                backoffEndedNanos = sim.loop.now();
                attempt();
            });
            backoffNanos = Math.min(BACKOFF_MAX_NANOS, backoffNanos * 2);
        });
    }

    private void opened(SimSocket socket) {
        if (closed) {
            sim.network.close(socket);
            adding = false;
            return;
        }
        long now = sim.loop.now();
        SimConnection c = new SimConnection(sim, ++nextId, socket, now);
        all.add(c);
        sim.invariants.opened(c);
        sim.host.answered(now); // ConnectionFactory: a connection opened is the host answering
        // PoolBinding.opened: tracked, registered with the heartbeat, told.
        sim.core.register(c, now);
        sim.ticker.commandQueued(false);
        sim.events.opened(c.ref);
        // HikariCP sets the connection up, schedules its tasks (ready: idle), adds it to its bag.
        sim.loop.after(sim.network.rttNanos(), Side.CLIENT, "setup c" + c.id, () -> {
            if (c.closed) {
                return;
            }
            c.lease.ready();
            toBag(c);
        });
        sim.loop.after(ADDED_PAUSE_NANOS, Side.CLIENT, "adder-next", () -> {
            adding = false;
            fill();
        });
    }

    private void toBag(SimConnection c) {
        if (c.evicted || closed) {
            closeConnection(c);
            return;
        }
        c.backInPool(sim.loop.now());
        Waiter w = waiters.poll();
        if (w != null) {
            w.timeout().cancel();
            c.handedOut = true;
            w.got().accept(c);
            return;
        }
        c.inBag = true;
        bag.add(c);
    }

    /** A borrower asks for an idle connection: now, or when one comes back, or null at its timeout. */
    void borrow(long giveUpNanos, Consumer<SimConnection> got) {
        if (!bag.isEmpty()) {
            SimConnection c = bag.remove(sim.rng.nextInt(bag.size()));
            c.inBag = false;
            c.handedOut = true;
            got.accept(c);
            return;
        }
        Waiter[] me = new Waiter[1];
        EventLoop.Event timeout = sim.loop.at(giveUpNanos, Side.CLIENT, "borrow-times-out", () -> {
            waiters.remove(me[0]);
            got.accept(null);
        });
        me[0] = new Waiter(got, timeout);
        waiters.add(me[0]);
        fill();
    }

    /** The evictor hands HikariCP's end-of-life task for {@code c} to a maintenance thread. */
    @Override
    public void evict(SimEngine.Connection c) {
        sim.probeThreads.maintenance.execute(() -> endOfLife((SimConnection) c));
    }

    /** The evictor runs HikariCP's end-of-life task for a leased {@code c} now: it is marked evicted. */
    @Override
    public void evictLeased(SimEngine.Connection c) {
        endOfLife((SimConnection) c);
    }

    /** HikariCP's end-of-life task: the entry is marked evicted, and closed now if it is idle in the bag. */
    private void endOfLife(SimConnection c) {
        c.evicted = true;
        if (c.inBag) {
            closeConnection(c);
        }
    }

    /** A borrower holding {@code c}'s proxy evicts it: HikariCP closes it now. */
    @Override
    public void evictBorrowed(SimEngine.Connection c) {
        SimConnection s = (SimConnection) c;
        s.evicted = true;
        closeConnection(s);
    }

    /** A borrower gives {@code c} back; HikariCP closes it if it was evicted or the request broke it (08xxx). */
    void giveBack(SimConnection c, boolean broken) {
        c.handedOut = false;
        if (c.evicted || broken || closed) {
            closeConnection(c);
        } else {
            toBag(c);
        }
    }

    private void closeConnection(SimConnection c) {
        c.handedOut = false;
        c.inBag = false;
        bag.remove(c);
        c.close();
        fill();
    }

    /** {@code PoolBinding.closed}: HikariCP closed or aborted {@code c}, which was in state {@code was}. */
    void closed(SimConnection c, String was) {
        all.remove(c);
        sim.core.deregister(c);
        sim.ticker.commandQueued(false);
        if ("DEAD".equals(was)) {
            sim.events.deadRemoved();
        }
        sim.invariants.closed(c, was);
    }

    /**
     * {@code LivenessDataSource.close}: HikariCP closes its idle connections and aborts the borrowed ones, then
     * {@code PoolBinding.close} stops the watchdog and takes every connection left out of the heartbeat.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        closedAtNanos = sim.loop.now();
        for (Waiter w : List.copyOf(waiters)) {
            w.timeout().cancel();
            w.got().accept(null);
        }
        waiters.clear();
        for (SimConnection c : List.copyOf(all)) {
            closeConnection(c);
        }
        sim.watchdogTask.cancel();
        sim.host.close();
        for (SimConnection c : List.copyOf(all)) {
            sim.core.deregister(c);
        }
        sim.ticker.commandQueued(false);
    }

    /** Whether HikariCP's adder slept after a failed connect at some time since {@code sinceNanos}. */
    boolean adderSleptSince(long sinceNanos) {
        return inBackoff || backoffEndedNanos - sinceNanos > 0;
    }

    int size() {
        return all.size();
    }
}
