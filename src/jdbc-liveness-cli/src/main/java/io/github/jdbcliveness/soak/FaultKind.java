package io.github.jdbcliveness.soak;

/**
 * The faults a soak injects, each made real: the kernel drops packets ({@code nft}), the server's processes stop
 * ({@code SIGSTOP}), a relay in this JVM holds, resets or slows every byte, the server ends sessions, and this JVM
 * itself stops (a client stall, as a long GC pause). What each one permits decides what the soak counts as a
 * violation.
 */
public enum FaultKind {
    /** Every packet between the pools and their relays dropped: a dead path (nft). */
    DEAD_PATH(Effect.DEAD_OR_HUNG, true),
    /** One established flow per pool dropped both ways: a NAT or load balancer forgot it (nft). */
    ONE_FLOW(Effect.SOME_DEAD, true),
    /** Only new connections dropped (their SYNs); open ones work: a full listen queue, a conntrack table (nft). */
    NEW_CONNECTIONS_DROPPED(Effect.BENIGN, true),
    /** Every process of the database server stopped (SIGSTOP): a hung server. */
    HUNG_SERVER(Effect.DEAD_OR_HUNG, false),
    /** Each pool's relay holds every byte both ways while its kernel keeps ACKing: a hung proxy. */
    HUNG_PROXY(Effect.DEAD_OR_HUNG, false),
    /** Each pool's relay resets every connection at once: a proxy restart, a reset path. */
    RESET(Effect.ENDS_SESSIONS, false),
    /** The server ends every session of the pools ({@code pg_terminate_backend}): a restart, an operator's kill. */
    SESSIONS_ENDED(Effect.ENDS_SESSIONS, false),
    /** Each pool's relay adds 100 ms each way and passes 256 KiB/s per connection: slow, never dead. */
    SLOW_LINK(Effect.BENIGN, false),
    /** This JVM stopped (SIGSTOP) and continued: a long GC pause or a frozen VM. */
    CLIENT_STALL(Effect.BENIGN, false);

    /** What a fault of this kind permits. */
    public enum Effect {
        /** Requests may fail; none may wait past B while it lasts. */
        DEAD_OR_HUNG,
        /** Requests on the dead flows may fail; which flow a request used is not known from outside, so none is
         *  held to B (a long query on a healthy flow may rightly run past it). */
        SOME_DEAD,
        /** Requests under way may fail; a borrower after it must get a live connection. */
        ENDS_SESSIONS,
        /** Nothing may fail: the work is only slower. */
        BENIGN
    }

    private final Effect effect;
    private final boolean kernel;

    FaultKind(Effect effect, boolean kernel) {
        this.effect = effect;
        this.kernel = kernel;
    }

    public Effect effect() {
        return effect;
    }

    /** Needs root and nftables. */
    public boolean kernel() {
        return kernel;
    }

    /** Takes no time: injected and over (the next borrower finds the connections ended). */
    public boolean instant() {
        return effect == Effect.ENDS_SESSIONS;
    }
}
