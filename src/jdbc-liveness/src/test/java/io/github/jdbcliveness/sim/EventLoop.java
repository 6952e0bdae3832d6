package io.github.jdbcliveness.sim;

import java.util.PriorityQueue;

/**
 * Simulated time: a queue of timed events run one at a time, in the order (time, then the order they were queued),
 * on one thread. Nothing else moves the clock, so one seed gives one schedule, every time.
 *
 * <p>Events belong to a side. {@link Side#CLIENT} events are what the JVM's threads do (the ticker, probe threads,
 * borrowers, HikariCP's threads); {@link Side#WORLD} events are the network's and the server's. A client stall (a GC
 * pause, a VM freeze) holds every client event due during it until it ends, in their order, while the world goes
 * on: packets arrive, the server answers, faults come and go.
 */
final class EventLoop {

    enum Side { CLIENT, WORLD }

    /** One scheduled event; {@link #cancel()} takes it back. */
    static final class Event {
        private final long at;
        private final long seq;
        private final Side side;
        private final String what;
        private final Runnable action;
        private boolean cancelled;

        private Event(long at, long seq, Side side, String what, Runnable action) {
            this.at = at;
            this.seq = seq;
            this.side = side;
            this.what = what;
            this.action = action;
        }

        void cancel() {
            cancelled = true;
        }

        long at() {
            return at;
        }
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Trace trace;
    private long now;
    private long seq;
    private long clientStalledUntil = Long.MIN_VALUE;
    /** The client's stalls so far, as [from, until) pairs. */
    private final java.util.List<long[]> stalls = new java.util.ArrayList<>();
    private long steps;

    EventLoop(long startNanos, Trace trace) {
        this.now = startNanos;
        this.trace = trace;
    }

    long now() {
        return now;
    }

    Event at(long atNanos, Side side, String what, Runnable action) {
        Event e = new Event(Math.max(atNanos, now), seq++, side, what, action);
        queue.add(e);
        return e;
    }

    Event after(long delayNanos, Side side, String what, Runnable action) {
        return at(now + delayNanos, side, what, action);
    }

    /** A GC pause: client events due before {@code untilNanos} run at {@code untilNanos}, in their order. */
    void stallClient(long untilNanos) {
        if (untilNanos > clientStalledUntil) {
            stalls.add(new long[] {Math.max(now, clientStalledUntil), untilNanos});
            clientStalledUntil = untilNanos;
        }
    }

    boolean clientStalled() {
        return now < clientStalledUntil;
    }

    /** How long the client stood still between the two times: a budget counts time the client could act. */
    long stalledBetween(long fromNanos, long toNanos) {
        long sum = 0;
        for (long[] s : stalls) {
            long a = Math.max(s[0], fromNanos);
            long b = Math.min(s[1], toNanos);
            if (b > a) {
                sum += b - a;
            }
        }
        return sum;
    }

    long steps() {
        return steps;
    }

    /**
     * Runs the next event due at or before {@code endNanos}.
     *
     * @return false when there is none
     */
    boolean step(long endNanos) {
        while (true) {
            Event e = queue.peek();
            if (e == null || e.at > endNanos) {
                return false;
            }
            queue.poll();
            if (e.cancelled) {
                continue;
            }
            if (e.side == Side.CLIENT && e.at < clientStalledUntil) {
                queue.add(new Event(clientStalledUntil, seq++, e.side, e.what, e.action));
                continue;
            }
            now = e.at;
            steps++;
            trace.step(now, e.what);
            e.action.run();
            return true;
        }
    }
}
