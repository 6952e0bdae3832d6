package io.github.jdbcliveness;

import java.net.InetSocketAddress;

/**
 * Names one physical connection in events and logs: the pool, a number unique within it, and the flow (client
 * and server address) when the socket was seen. Never carries credentials.
 */
public record ConnectionRef(String pool, long id, InetSocketAddress local, InetSocketAddress remote) {

    @Override
    public String toString() {
        return pool + "#" + id + (local == null ? "" : " " + local.getAddress().getHostAddress() + ":"
                + local.getPort() + " -> " + remote.getAddress().getHostAddress() + ":" + remote.getPort());
    }
}
