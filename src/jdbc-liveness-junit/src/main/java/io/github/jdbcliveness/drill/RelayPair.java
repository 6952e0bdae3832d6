package io.github.jdbcliveness.drill;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection through a {@link TcpRelay}: the client's socket, the upstream socket, and a pump each way. Its
 * state is guarded by the relay's lock, so a mode change is seen by every pump at once.
 */
final class RelayPair {

    private static final Logger LOG = LoggerFactory.getLogger(RelayPair.class);
    private static final int CHUNK = 16 * 1024;
    /** Bytes a pump holds before its reader stops reading (then the sender's TCP window closes). */
    private static final long HOLD_LIMIT = 1024 * 1024;
    /** The longest a pump waits without looking again, should a wake-up be missed. */
    private static final long MAX_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TcpRelay relay;
    private final int id;
    private final Socket client;
    private final Socket upstream;
    private final Pump toUpstream;
    private final Pump toClient;
    // guarded by relay.lock
    boolean lostBytes;
    private boolean closed;
    private int endsPassed;
    private final java.util.List<Thread> threads = new java.util.ArrayList<>(4);

    RelayPair(TcpRelay relay, int id, Socket client, Socket upstream) {
        this.relay = relay;
        this.id = id;
        this.client = client;
        this.upstream = upstream;
        this.toUpstream = new Pump("c2s", client, upstream);
        this.toClient = new Pump("s2c", upstream, client);
    }

    /** Caller holds the relay's lock. */
    void start() {
        for (Pump p : new Pump[] {toUpstream, toClient}) {
            threads.add(relay.newThread(id + "-" + p.direction + "-read", p::readLoop));
            threads.add(relay.newThread(id + "-" + p.direction + "-write", p::writeLoop));
        }
        threads.forEach(Thread::start);
    }

    /**
     * Waits, until {@code deadlineNanos}, for this pair's threads to end after {@link #close}. Only then has the
     * kernel really closed the sockets and sent the resets: closing a socket a thread is blocked in only marks it,
     * and the kernel lets go of it when that thread's system call returns.
     */
    void awaitEnded(long deadlineNanos) {
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Caller holds the relay's lock: the mode changed, every waiting thread looks again. */
    void wake() {
        toUpstream.changed.signalAll();
        toClient.changed.signalAll();
    }

    /** Closes both sockets; with {@code reset}, with SO_LINGER 0, so that both peers get a TCP reset. */
    void close(boolean reset) {
        relay.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            wake();
        } finally {
            relay.lock.unlock();
        }
        if (reset) {
            abort(client);
            abort(upstream);
        } else {
            quietly(client);
            quietly(upstream);
        }
        relay.removed(this);
    }

    static void abort(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed: nothing to reset
        }
        quietly(s);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void failed(Pump pump, IOException e) {
        boolean expected;
        relay.lock.lock();
        try {
            expected = closed;
        } finally {
            relay.lock.unlock();
        }
        if (!expected) {
            // A peer reset or vanished: a proxy cannot carry on half a stream, so the other side gets a reset too.
            LOG.debug("{} connection #{} {}: {}; resetting both sides", relay.name(), id, pump.direction, e.toString());
            close(true);
        }
    }

    /** An end of stream passed one way; when both have, the pair closes normally. */
    private void endPassed() {
        boolean both;
        relay.lock.lock();
        try {
            both = ++endsPassed == 2;
        } finally {
            relay.lock.unlock();
        }
        if (both) {
            close(false);
        }
    }

    /** A chunk read at {@code arrivedAt}; a null {@code bytes} is the end of stream. */
    private static final class Chunk {
        final byte[] bytes;
        final long arrivedAt;
        int offset;

        Chunk(byte[] bytes, long arrivedAt) {
            this.bytes = bytes;
            this.arrivedAt = arrivedAt;
        }

        int remaining() {
            return bytes == null ? 0 : bytes.length - offset;
        }
    }

    /** One direction: a reader that queues chunks as they arrive, a writer that delivers them when the mode allows. */
    private final class Pump {
        final String direction;
        final Socket from;
        final Socket to;
        final Condition changed = relay.lock.newCondition();
        // guarded by relay.lock
        final ArrayDeque<Chunk> held = new ArrayDeque<>();
        long heldBytes;
        double tokens;
        long refilledAt = System.nanoTime();

        Pump(String direction, Socket from, Socket to) {
            this.direction = direction;
            this.from = from;
            this.to = to;
        }

        void readLoop() {
            byte[] buf = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                while (true) {
                    int n = in.read(buf);
                    Chunk chunk = new Chunk(n < 0 ? null : Arrays.copyOf(buf, n), System.nanoTime());
                    if (!offer(chunk) || n < 0) {
                        return;
                    }
                }
            } catch (IOException e) {
                failed(this, e);
            }
        }

        /** Queues a chunk, or discards it under a blackhole; false once the pair is closed. */
        private boolean offer(Chunk chunk) {
            relay.lock.lock();
            try {
                while (!closed && relay.fault != TcpRelay.Fault.BLACKHOLE && heldBytes >= HOLD_LIMIT) {
                    changed.awaitNanos(MAX_WAIT_NANOS);
                }
                if (closed) {
                    return false;
                }
                if (relay.fault == TcpRelay.Fault.BLACKHOLE) {
                    lostBytes = true;
                    return true;
                }
                held.add(chunk);
                heldBytes += chunk.remaining();
                changed.signalAll();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                relay.lock.unlock();
            }
        }

        void writeLoop() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk;
                    int n;
                    relay.lock.lock();
                    try {
                        while (true) {
                            if (closed) {
                                return;
                            }
                            chunk = held.peek();
                            long wait = chunk == null ? MAX_WAIT_NANOS : mayDeliver(chunk, System.nanoTime());
                            if (wait == 0) {
                                break;
                            }
                            if (wait > 0) {
                                changed.awaitNanos(Math.min(wait, MAX_WAIT_NANOS));
                            }
                        }
                        n = take(chunk);
                    } finally {
                        relay.lock.unlock();
                    }
                    if (chunk.bytes == null) {
                        to.shutdownOutput(); // a half-close passes through
                        endPassed();
                        return;
                    }
                    out.write(chunk.bytes, chunk.offset, n);
                    relay.forwarded.addAndGet(n);
                    relay.lock.lock();
                    try {
                        chunk.offset += n;
                        heldBytes -= n;
                        if (chunk.remaining() == 0) {
                            held.poll();
                        }
                        changed.signalAll();
                    } finally {
                        relay.lock.unlock();
                    }
                }
            } catch (IOException e) {
                failed(this, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Under the lock: 0 when {@code chunk} may go now, a wait in nanoseconds when not yet, -1 when the held bytes
         * were just discarded (look again).
         */
        private long mayDeliver(Chunk chunk, long now) {
            switch (relay.fault) {
                case BLACKHOLE:
                    held.clear();
                    heldBytes = 0;
                    lostBytes = true;
                    changed.signalAll();
                    return -1;
                case FROZEN:
                case RESET:
                    return MAX_WAIT_NANOS;
                default:
                    break;
            }
            long due = chunk.arrivedAt + relay.latencyNanos;
            if (due - now > 0) {
                return due - now;
            }
            long rate = relay.bytesPerSecond;
            if (rate == 0 || chunk.bytes == null) {
                return 0;
            }
            double capacity = Math.max(1, Math.min(rate / 20, CHUNK));
            tokens = Math.min(capacity, tokens + (now - refilledAt) * (double) rate / 1e9);
            refilledAt = now;
            double need = Math.min(chunk.remaining(), capacity);
            return tokens >= need ? 0 : Math.max(1, (long) ((need - tokens) * 1e9 / rate));
        }

        /** Under the lock, once {@link #mayDeliver} said yes: how many bytes of {@code chunk} to write now. */
        private int take(Chunk chunk) {
            if (chunk.bytes == null || relay.bytesPerSecond == 0) {
                return chunk.remaining();
            }
            int n = (int) Math.min(chunk.remaining(), Math.floor(tokens));
            tokens -= n;
            return n;
        }
    }
}
