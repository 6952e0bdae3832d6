package io.github.jdbcliveness.audit;

import java.time.Duration;

/** Keepalive as a socket carries it: whether it is on, and idle + count × interval when it is. */
record SocketKeepalive(boolean on, long idleSeconds, long intervalSeconds, long count, String source) {

    static SocketKeepalive off(String source) {
        return new SocketKeepalive(false, 0, 0, 0, source);
    }

    Duration idle() {
        return Duration.ofSeconds(idleSeconds);
    }

    Duration detection() {
        return Duration.ofSeconds(idleSeconds + count * intervalSeconds);
    }

    /** "keepalive 7200/75/9 (kernel defaults)". */
    String describe() {
        return on ? "keepalive " + idleSeconds + "/" + intervalSeconds + "/" + count + " (" + source + ")"
                : "no keepalive (" + source + ")";
    }
}
