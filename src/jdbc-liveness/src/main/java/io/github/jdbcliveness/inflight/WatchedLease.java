package io.github.jdbcliveness.inflight;

/** A pooled connection as the in-flight watchdog sees it. Internal. */
public interface WatchedLease {

    /** The epoch of the lease the connection is in now, or -1 when it is not leased. */
    long leaseEpoch();

    /** The socket's four-tuple, or null when no socket was seen. */
    ProcNetTcp.Flow flow();

    /** Bytes the driver wrote on the socket so far, or -1 when unknown. */
    long bytesWritten();

    /** The watchdog's notes on this connection. */
    LeaseWatch watch();

    /** Aborts the connection if it is still in lease {@code epoch}: a lease that ended meanwhile is left alone. */
    void abortIfStillLeased(long epoch, String why, long nowNanos);

    /**
     * Since when the driver's thread has waited on the peer: blocked reading for an answer, or blocked writing while
     * the peer's window stays shut; 0 while it does neither.
     */
    long waitingOnPeerSinceNanos();

    /** The driver has been waiting for an answer since {@code sinceNanos} in lease {@code epoch}: judge its host. */
    void waitingForAnswer(long epoch, long sinceNanos, long nowNanos);
}
