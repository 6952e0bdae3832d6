package io.github.jdbcliveness.inflight;

import java.util.concurrent.TimeUnit;

/**
 * The watchdog's notes on one connection, and its verdict: a pure function of the kernel's view of the socket
 * ({@code /proc/net/tcp}), the bytes the driver wrote, and the time passed in. Internal.
 *
 * <p>A request is stuck when the socket holds unacknowledged bytes under the retransmit timer and the peer's
 * acknowledgements have not moved for {@code unacknowledgedTimeout}. How far the peer acknowledged is the bytes
 * written less {@code tx_queue}: it moves with every ACK of new data, however slow the path. A busy upload on a slow
 * healthy path always has bytes unacknowledged, and is never stuck; a dead path stops the acknowledgements, and is.
 * The kernel's retransmissions of the same data prove that nothing was acknowledged for at least their back-off
 * ({@link ProcNetTcp.Entry#provenUnacknowledgedNanos()}), so the time can count from there.
 *
 * <p>One instance per connection, used by the watchdog's thread only.
 */
public final class LeaseWatch {

    private long epoch = -1;
    private long watchedSinceNanos;
    /** How far the peer had acknowledged (bytes written less tx_queue) when last seen moving, while stuck. */
    private long ackedUpTo;
    /** Since when the acknowledgements have not moved, with bytes waiting; 0 while not stuck. */
    private long stillSinceNanos;

    /**
     * Notes a look at the connection in lease {@code leaseEpoch} (-1: not leased).
     *
     * @return whether the same lease was there at the previous look already: only such a lease is a suspect, so a
     *         short request is never looked at in {@code /proc}
     */
    public boolean seen(long leaseEpoch, long nowNanos) {
        if (leaseEpoch < 0) {
            epoch = -1;
            return false;
        }
        if (leaseEpoch != epoch) {
            epoch = leaseEpoch;
            watchedSinceNanos = nowNanos;
            stillSinceNanos = 0;
            return false;
        }
        return true;
    }

    /** The lease this watch is on. */
    public long epoch() {
        return epoch;
    }

    /**
     * The verdict for a suspect.
     *
     * @param kernel       the socket's line, or null when the kernel no longer has it
     * @param bytesWritten what the driver wrote on the socket so far, or -1 when unknown (then a change of
     *                     {@code tx_queue} counts as progress)
     * @return why the request is stuck in a dead path, or null when it is not (yet)
     */
    public String judge(ProcNetTcp.Entry kernel, long bytesWritten, long nowNanos, long unacknowledgedNanos) {
        if (kernel == null || kernel.state() != ProcNetTcp.ESTABLISHED || kernel.txQueue() == 0
                || kernel.timer() != ProcNetTcp.TIMER_RETRANSMIT) {
            stillSinceNanos = 0; // nothing waits for an ACK: a long query, or the request went through
            return null;
        }
        long acked = bytesWritten >= 0 ? bytesWritten - kernel.txQueue() : -kernel.txQueue();
        if (stillSinceNanos == 0 || acked != ackedUpTo) {
            ackedUpTo = acked;
            stillSinceNanos = nowNanos;
        }
        // The retransmissions prove at least this much silence, but not from before this lease was first seen.
        long proven = Math.min(kernel.provenUnacknowledgedNanos(), nowNanos - watchedSinceNanos);
        long since = Math.min(stillSinceNanos, nowNanos - proven);
        long still = nowNanos - since;
        if (still < unacknowledgedNanos) {
            return null;
        }
        return "no acknowledgement for " + TimeUnit.NANOSECONDS.toMillis(still) + " ms or more ("
                + kernel.txQueue() + " bytes waiting, " + kernel.retransmits() + " retransmissions): the path is dead";
    }
}
