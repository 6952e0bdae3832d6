package io.github.jdbcliveness.sim;

import io.github.jdbcliveness.pool.SimEngine;
import io.github.jdbcliveness.sim.EventLoop.Side;

/**
 * An application thread: it thinks, borrows, sends a few requests (short and long queries, slow uploads) and gives
 * the connection back. Between HikariCP's hand-out and the application, the engine's borrow path: its own
 * {@code LeaseAttempt} (lease, or wait for a probe) and {@code BorrowGuard} (a connection refused or closed by the
 * server is marked dead, evicted, and the borrower asks again); at the end {@code TrackedConnection.endRequest},
 * copied.
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
                attempt(c, sim.engine.attempt(c, sim.loop.now()));
            }
        });
    }

    /**
     * {@code TrackedConnection.beginRequest}: the engine's {@code LeaseAttempt}, whose waits for a probe's end are on
     * simulated time here.
     */
    private void attempt(SimConnection c, SimEngine.Attempt attempt) {
        if (!attempt.step(sim.loop.now())) {
            c.awaitEnd(attempt.waitUntilNanos(), () -> attempt(c, attempt));
            return;
        }
        if (attempt.leasedAfterWaiting()) {
            sim.events.borrowWaitedForProbe();
        }
        // The engine's BorrowGuard.check (validate-on-borrow off): a connection refused, or closed by the server, is
        // marked dead, evicted through the borrower's proxy, and the borrower asks again.
        if (sim.engine.check(c.entry) == SimEngine.USE) {
            use(c);
        } else {
            ask();
        }
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
