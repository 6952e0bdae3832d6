package io.github.jdbcliveness.keepalive;

/** The once-per-JVM warning that per-socket keepalive is not available here, for callers outside this package. */
public final class SocketKeepaliveWarnings {

    private SocketKeepaliveWarnings() {
    }

    public static void unsupported() {
        SocketKeepalive.warnUnsupportedOnce();
    }
}
