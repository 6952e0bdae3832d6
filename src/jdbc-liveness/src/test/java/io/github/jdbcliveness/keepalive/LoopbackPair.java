package io.github.jdbcliveness.keepalive;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A connected pair on loopback: our socket, as a driver holds it, and the server's side of it. */
record LoopbackPair(ServerSocket server, KeepaliveSocket client, Socket serverSide) implements AutoCloseable {

    static LoopbackPair open() throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        KeepaliveSocket client = new KeepaliveSocket(null);
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
        return new LoopbackPair(server, client, server.accept());
    }

    @Override
    public void close() throws IOException {
        client.close();
        serverSide.close();
        server.close();
    }
}
