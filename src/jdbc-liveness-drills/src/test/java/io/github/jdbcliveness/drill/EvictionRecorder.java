package io.github.jdbcliveness.drill;

import io.github.jdbcliveness.ConnectionRef;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Records evictions (with their {@code System.nanoTime()} moment) and lets a test wait for them with a deadline. */
final class EvictionRecorder implements LivenessListener {

    record Eviction(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive, long atNanos) {
    }

    private final List<Eviction> evictions = new CopyOnWriteArrayList<>();
    private final List<ConnectionRef> probedOnLease = new CopyOnWriteArrayList<>();

    @Override
    public synchronized void onEvicted(ConnectionRef connection, EvictionReason reason, Duration sinceLastAlive,
            long atNanos) {
        evictions.add(new Eviction(connection, reason, sinceLastAlive, atNanos));
        notifyAll();
    }

    List<Eviction> evictions() {
        return List.copyOf(evictions);
    }

    /** Waits until at least {@code n} evictions were seen, or the deadline passes; returns what was seen. */
    synchronized List<Eviction> await(int n, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (evictions.size() < n) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(evictions);
    }
}
