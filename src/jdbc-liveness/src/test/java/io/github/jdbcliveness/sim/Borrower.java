package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.pool.SimLease;
import io.github.jdbcliveness.sim.EventLoop.Side;

/**
 * An application thread: it thinks, borrows, sends a few requests (short and long queries, slow uploads) and gives
 * the connection back. Between HikariCP's hand-out and the application, the engine's borrow path, copied in its
 * order: {@code TrackedConnection.beginRequest} (lease, or wait for a probe: {@code leaseSlowly}) and
 * {@code BorrowGuard.check} (a connection refused or closed by the server is marked dead, evicted, and the borrower
 * asks again); at the end {@code TrackedConnection.endRequest}.
 */
final class Borrower {

    private final Sim sim;
    private final int id;
    private long giveUpNanos;
    private SimConnection held;
    private int requestsLeft;
    private boolean broken;

    Borrower(Sim sim, int id) {
        this.sim = sim;
        this.id = id;
    }

    void start() {
        think();
    }

    private void think() {
        long mean = sim.settings.intervalNanos() / 2;
        sim.loop.after(sim.rng.nextLong(2 * mean) + 1, Side.CLIENT, "b" + id + " borrows", this::borrow);
    }

    private void borrow() {
        if (sim.pool.closed) {
            return;
        }
        giveUpNanos = sim.loop.now() + sim.settings.connectionTimeoutNanos();
        ask();
    }

    private void ask() {
        sim.pool.borrow(giveUpNanos, c -> {
            if (c == null) {
                think(); // timed out (or the pool closed): the application got an SQLException
            } else {
                new Lease(c).attempt();
            }
        });
    }

    /** {@code TrackedConnection.beginRequest} and {@code leaseSlowly}, with the waits on simulated time. */
    private final class Lease {
        private final SimConnection c;
        private final long start = sim.loop.now();
        private final long wait = sim.settings.probeTimeoutNanos() + SimLease.WAIT_SLACK_NANOS;
        private final long queuedUntil = start + wait;
        private long probingWord = -1;
        private long probingUntil;
        private boolean waited;

        Lease(SimConnection c) {
            this.c = c;
        }

        void attempt() {
            while (true) {
                long r = c.lease.tryLease();
                if (r >= 0) {
                    c.lease.leased(r);
                    if (waited) {
                        sim.events.borrowWaitedForProbe();
                    }
                    guard(c);
                    return;
                }
                long w = -r - 1;
                String s = SimLease.refused(r);
                long now = sim.loop.now();
                long until;
                if (s.equals("SETUP")) {
                    c.lease.ready();
                    continue;
                } else if (s.equals("QUEUED")) {
                    if (now - queuedUntil >= 0) {
                        c.lease.cancelQueued(w);
                        continue;
                    }
                    until = queuedUntil;
                } else if (s.equals("PROBING")) {
                    if (w != probingWord) {
                        probingWord = w;
                        probingUntil = now + wait;
                    }
                    if (now - probingUntil >= 0) {
                        c.lease.refusedAfter(now - start);
                        guard(c);
                        return;
                    }
                    until = probingUntil;
                } else {
                    c.lease.refusedAfter(now - start);
                    guard(c);
                    return;
                }
                waited = true;
                c.awaitEnd(until, this::attempt);
                return;
            }
        }
    }

    /** {@code BorrowGuard.check} (validate-on-borrow off). */
    private void guard(SimConnection c) {
        long now = sim.loop.now();
        switch (c.lease.lease()) {
            case "LIVE" -> {
                if (c.socket.closedByServer && sim.broken != Sim.Break.BORROW_GUARD_SKIPS_SOCKET_LOOK) { // a peek: a FIN, a reset or a termination message is waiting
                    if (c.markDead()) {
                        sim.verdicts.dead(c, EvictionReason.CLOSED_BY_SERVER, null, 0, now);
                    }
                    skip(c);
                    return;
                }
                use(c);
            }
            case "REFUSED" -> {
                if (c.markDead()) {
                    sim.verdicts.dead(c, EvictionReason.PROBE_TIMEOUT, null, sim.settings.probeTimeoutNanos(), now);
                }
                skip(c);
            }
            default -> throw new IllegalStateException("HikariCP handed out " + c + " without beginRequest");
        }
    }

    private void skip(SimConnection c) {
        sim.events.borrowSkippedDead(c.ref);
        sim.pool.evictBorrowed(c);
        ask();
    }

    private void use(SimConnection c) {
        sim.invariants.handedOut(c);
        held = c;
        broken = false;
        requestsLeft = 1 + sim.rng.nextInt(3);
        nextRequest();
    }

    private void nextRequest() {
        SimConnection c = held;
        long budget = sim.settings.budgetNanos();
        int pick = sim.rng.nextInt(10);
        Request r;
        if (pick == 0) {
            r = new Request(Request.Kind.QUERY, 200, budget + sim.rng.nextLong(budget), 0, this::ended);
        } else if (pick == 1) {
            r = new Request(Request.Kind.UPLOAD, 0, 1_000_000L, sim.rng.nextLong(budget) + 1, this::ended);
        } else {
            r = new Request(Request.Kind.QUERY, 200, sim.rng.nextLong(20_000_000L), 0, this::ended);
        }
        sim.invariants.requestStarts(c, r);
        sim.network.send(c.socket, r);
    }

    private void ended(boolean answered, String failure) {
        SimConnection c = held;
        if (!answered) {
            sim.invariants.requestFailed(c, failure);
            broken = true;
            giveBack();
            return;
        }
        if (--requestsLeft > 0) {
            sim.loop.after(sim.rng.nextLong(5_000_000L), Side.CLIENT, "b" + id + " next request", this::nextRequest);
        } else {
            sim.loop.after(sim.rng.nextLong(5_000_000L), Side.CLIENT, "b" + id + " returns c" + c.id,
                    this::giveBack);
        }
    }

    /** {@code TrackedConnection.endRequest}, then HikariCP takes the connection back. */
    private void giveBack() {
        SimConnection c = held;
        held = null;
        long w = c.lease.endLease();
        if (w >= 0) {
            c.answered(c.socket.receivedAtNanos);
            c.lease.release(w);
        }
        sim.pool.giveBack(c, broken);
        think();
    }
}
