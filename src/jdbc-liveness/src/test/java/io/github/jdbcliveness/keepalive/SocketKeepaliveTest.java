package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.AppliedKeepalive;
import io.github.jdbcliveness.KeepaliveSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Real loopback sockets: the kernel, not a mock, holds the options read back here. */
class SocketKeepaliveTest {

    private static final KeepaliveSettings K = KeepaliveSettings.of(Duration.ofSeconds(7), Duration.ofSeconds(2), 4);

    @Test
    void keepaliveSocket_appliesAfterConnect_andReadsBackExactly() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new KeepaliveSocket(K)) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            AppliedKeepalive a = SocketKeepalive.readBack(client, K);
            assertTrue(a.asRequested(), a.toString());
            assertEquals(7, a.idleSeconds());
            assertEquals(2, a.intervalSeconds());
            assertEquals(4, a.count());
            assertEquals(client.getLocalPort(), a.localPort());
            assertEquals(server.getLocalPort(), a.remote().getPort());
        }
    }

    @Test
    void connectCapture_collectsTheSocketsOfItsThread_andHandsTheSettingsToFactories() throws IOException {
        ConnectCapture capture = ConnectCapture.begin(K);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new PgKeepaliveSocketFactory(new java.util.Properties()).createSocket()) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            assertEquals(client, capture.connectedSocket().orElseThrow());
            assertEquals(7, client.getOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE));
        } finally {
            capture.end();
        }
        assertTrue(ConnectCapture.currentSettings().isEmpty(), "the capture ends with the connect");
    }

    @Test
    void platformWithoutPerSocketOptions_fallsBackToSoKeepalive_andSaysSo() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                Socket client = new Socket() {
                    @Override
                    public Set<SocketOption<?>> supportedOptions() {
                        return Set.of(StandardSocketOptions.SO_KEEPALIVE, StandardSocketOptions.TCP_NODELAY);
                    }
                }) {
            client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            SocketKeepalive.apply(client, K);
            AppliedKeepalive a = SocketKeepalive.readBack(client, K);
            assertTrue(a.soKeepalive());
            assertFalse(a.perSocketSupported());
            assertFalse(a.asRequested());
            assertEquals(-1, a.idleSeconds());
            assertTrue(a.toString().contains("not supported here"), a.toString());
        }
    }
}
