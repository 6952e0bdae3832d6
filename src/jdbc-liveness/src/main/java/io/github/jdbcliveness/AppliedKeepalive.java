package io.github.jdbcliveness;

import java.net.InetSocketAddress;

/**
 * What the kernel holds for one physical connection's socket, read back from the socket right after the driver
 * finished connecting (after any changes the driver made itself).
 *
 * @param local              the connection's local address (its client port identifies the flow)
 * @param remote             the server's address
 * @param soKeepalive        {@code SO_KEEPALIVE}
 * @param idleSeconds        {@code TCP_KEEPIDLE}, or -1 where the platform does not expose it
 * @param intervalSeconds    {@code TCP_KEEPINTVL}, or -1 where the platform does not expose it
 * @param count              {@code TCP_KEEPCNT}, or -1 where the platform does not expose it
 * @param perSocketSupported whether this JDK and OS let us set the three per-socket options
 * @param requested          what was asked for, or null when keepalive was left to the driver (the socket was only
 *                           observed: its addresses feed the in-flight watchdog)
 */
public record AppliedKeepalive(InetSocketAddress local, InetSocketAddress remote, boolean soKeepalive,
        int idleSeconds, int intervalSeconds, int count, boolean perSocketSupported, KeepaliveSettings requested) {

    /** True when the socket carries exactly the requested keepalive; false when none was requested. */
    public boolean asRequested() {
        return requested != null && soKeepalive && perSocketSupported && idleSeconds == requested.idleSeconds()
                && intervalSeconds == requested.intervalSeconds() && count == requested.count();
    }

    /** The client port of the flow (what a kernel fault or {@code ss} keys on). */
    public int localPort() {
        return local == null ? -1 : local.getPort();
    }

    @Override
    public String toString() {
        String addresses = (local == null ? "?" : local.getAddress().getHostAddress() + ":" + local.getPort())
                + " -> " + (remote == null ? "?" : remote.getAddress().getHostAddress() + ":" + remote.getPort());
        if (requested == null) {
            return addresses + " SO_KEEPALIVE=" + (soKeepalive ? "on" : "off")
                    + (perSocketSupported ? " idle=" + idleSeconds + "s interval=" + intervalSeconds + "s count=" + count
                            : "")
                    + " (keepalive left to the driver)";
        }
        if (!perSocketSupported) {
            return addresses + " SO_KEEPALIVE=" + (soKeepalive ? "on" : "off")
                    + " (per-socket TCP_KEEPIDLE/INTVL/CNT not supported here: system defaults)";
        }
        return addresses + " SO_KEEPALIVE=" + (soKeepalive ? "on" : "off") + " idle=" + idleSeconds + "s interval="
                + intervalSeconds + "s count=" + count + (asRequested() ? " (as requested)"
                        : " (requested " + requested + ")");
    }
}
