package io.github.jdbcliveness.heartbeat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A hashed timer wheel: {@code 2^k} buckets of one tick each; an entry due beyond one revolution waits its
 * remaining rounds in its bucket. Scheduling and cancelling are O(1); {@link #advance} visits each elapsed tick's
 * bucket once, so the work of a wakeup is bounded by the ticks that passed and the entries that fell due, not by
 * how many entries there are.
 *
 * <p>Time is passed in, never read: {@code nowNanos} is any monotonic clock ({@link System#nanoTime()} in
 * production, a plain counter in tests). Comparisons are by difference, so the wheel keeps working when the clock
 * wraps past {@link Long#MAX_VALUE}. Not thread-safe: one ticker thread owns it.
 *
 * @param <T> what fires
 */
public final class TimerWheel<T> {

    private final long tickNanos;
    private final Entry<T>[] buckets;
    /**
     * Per bucket, a lower bound on its entries' remaining rounds ({@link Long#MAX_VALUE} when empty): exact after the
     * bucket is visited, possibly too low after a cancel. Lets {@link #nextDueNanos} plan in O(buckets).
     */
    private final long[] minRounds;
    private final int mask;
    /** Start of the next tick not yet processed. */
    private long cursorNanos;
    private long tickCount;
    private int size;

    /**
     * @param tickNanos  the resolution; entries fire at the first tick boundary at or after their due time
     * @param bucketsPow2 number of buckets, a power of two
     * @param startNanos the clock's reading now
     */
    @SuppressWarnings("unchecked")
    public TimerWheel(long tickNanos, int bucketsPow2, long startNanos) {
        if (tickNanos <= 0) {
            throw new IllegalArgumentException("tickNanos (" + tickNanos + ") must be positive");
        }
        if (bucketsPow2 <= 0 || Integer.bitCount(bucketsPow2) != 1) {
            throw new IllegalArgumentException("buckets (" + bucketsPow2 + ") must be a power of two");
        }
        this.tickNanos = tickNanos;
        this.buckets = new Entry[bucketsPow2];
        this.minRounds = new long[bucketsPow2];
        Arrays.fill(minRounds, Long.MAX_VALUE);
        this.mask = bucketsPow2 - 1;
        this.cursorNanos = startNanos;
    }

    /** A scheduled entry; pass it to {@link #cancel} to take it back. */
    public static final class Entry<T> {
        final T item;
        final long dueNanos;
        long rounds;
        int bucket = -1;
        /** Taken out of its bucket by {@link #advance} and about to fire. */
        boolean pending;
        Entry<T> prev;
        Entry<T> next;

        Entry(T item, long dueNanos) {
            this.item = item;
            this.dueNanos = dueNanos;
        }

        public T item() {
            return item;
        }

        public long dueNanos() {
            return dueNanos;
        }

        public boolean scheduled() {
            return bucket >= 0 || pending;
        }
    }

    public long tickNanos() {
        return tickNanos;
    }

    public int size() {
        return size;
    }

    /** Ticks processed so far: the number of bucket visits {@link #advance} has made. */
    public long ticks() {
        return tickCount;
    }

    /** When the next unprocessed tick ends: the earliest moment {@link #advance} can fire anything new. */
    public long nextTickNanos() {
        return cursorNanos + tickNanos;
    }

    /**
     * The tick boundary at which the earliest entry fires: the moment to sleep until when nothing else can happen.
     * Never later than that entry's firing and never before {@link #nextTickNanos()}; it can be early after a
     * {@link #cancel} (the bucket keeps the cancelled entry's rounds until it is visited), never late. O(buckets):
     * one look per bucket from the cursor, for at most one revolution, counting each bucket's remaining rounds.
     *
     * @throws IllegalStateException when nothing is scheduled (there is no such moment)
     */
    public long nextDueNanos() {
        if (size == 0) {
            throw new IllegalStateException("nothing scheduled");
        }
        int n = buckets.length;
        // In ticks from the cursor: an entry i buckets on with r rounds left fires in tick i + r * n. A bucket i on
        // cannot beat anything found at or before i, so the scan stops there.
        long best = Long.MAX_VALUE;
        for (int i = 0; i < n && i < best; i++) {
            int bucket = (int) ((tickCount + i) & mask);
            if (buckets[bucket] != null) {
                best = Math.min(best, i + minRounds[bucket] * n);
            }
        }
        return cursorNanos + (best + 1) * tickNanos;
    }

    /** Schedules {@code item} to fire at the first tick ending at or after {@code dueNanos}. */
    public Entry<T> schedule(T item, long dueNanos) {
        Objects.requireNonNull(item, "item");
        Entry<T> e = new Entry<>(item, dueNanos);
        long delta = dueNanos - cursorNanos;
        long ticksAway = delta <= 0 ? 0 : (delta - 1) / tickNanos;
        e.rounds = ticksAway / buckets.length;
        int bucket = (int) ((tickCount + ticksAway) & mask);
        link(e, bucket);
        return e;
    }

    /** Takes an entry back; false if it already fired or was cancelled. */
    public boolean cancel(Entry<T> e) {
        if (e == null) {
            return false;
        }
        if (e.pending) {
            e.pending = false;
            return true;
        }
        if (e.bucket < 0) {
            return false;
        }
        unlink(e);
        return true;
    }

    /**
     * Fires, in order of due time, every entry due up to {@code nowNanos}. Entries the callback schedules land in
     * later ticks (a past due time means the next tick), never in the bucket being emptied.
     *
     * @return the number of buckets visited (one per elapsed tick)
     */
    public int advance(long nowNanos, Consumer<? super T> fire) {
        int visited = 0;
        List<Entry<T>> due = new ArrayList<>();
        while (nowNanos - (cursorNanos + tickNanos) >= 0) {
            int bucket = (int) (tickCount & mask);
            Entry<T> e = buckets[bucket];
            buckets[bucket] = null;
            minRounds[bucket] = Long.MAX_VALUE;
            while (e != null) {
                Entry<T> next = e.next;
                e.prev = null;
                e.next = null;
                e.bucket = -1;
                size--;
                if (e.rounds > 0) {
                    e.rounds--;
                    link(e, bucket);
                } else {
                    e.pending = true;
                    due.add(e);
                }
                e = next;
            }
            cursorNanos += tickNanos;
            tickCount++;
            visited++;
            if (!due.isEmpty()) {
                due.sort((a, b) -> Long.signum(a.dueNanos - b.dueNanos));
                for (Entry<T> d : due) {
                    if (d.pending) {
                        d.pending = false;
                        fire.accept(d.item);
                    }
                }
                due.clear();
            }
        }
        return visited;
    }

    private void link(Entry<T> e, int bucket) {
        e.bucket = bucket;
        e.prev = null;
        e.next = buckets[bucket];
        if (e.next != null) {
            e.next.prev = e;
        }
        buckets[bucket] = e;
        minRounds[bucket] = Math.min(minRounds[bucket], e.rounds);
        size++;
    }

    private void unlink(Entry<T> e) {
        if (e.prev != null) {
            e.prev.next = e.next;
        } else {
            buckets[e.bucket] = e.next;
        }
        if (buckets[e.bucket] == null) {
            minRounds[e.bucket] = Long.MAX_VALUE;
        }
        if (e.next != null) {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.bucket = -1;
        size--;
    }
}
