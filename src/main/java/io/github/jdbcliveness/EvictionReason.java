package io.github.jdbcliveness;

/** Why jdbc-liveness ended a pooled connection. */
public enum EvictionReason {
    /** A heartbeat probe got an error or a "not valid" answer: the server closed it, the path reset, ... */
    PROBE_FAILED,
    /** A heartbeat probe got no answer within the probe timeout: a dead path, or a hung server process. */
    PROBE_TIMEOUT
}
