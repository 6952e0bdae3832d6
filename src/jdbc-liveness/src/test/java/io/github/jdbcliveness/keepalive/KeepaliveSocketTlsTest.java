package io.github.jdbcliveness.keepalive;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgjdbc and the MySQL drivers layer an SSLSocket over our socket ({@code createSocket(socket, host, port, true)}):
 * the handshake and records go through our streams and soTimeout, and a peek sees only TLS records.
 */
class KeepaliveSocketTlsTest {

    @Test
    void tlsLayeredOverOurSocket_handshakesAndReads_andAPeekSeesTheRecordWithoutTakingIt(@TempDir Path dir)
            throws Exception {
        SSLContext tls = selfSigned(dir);
        try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
                KeepaliveSocket raw = new KeepaliveSocket(null)) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    s.startHandshake();
                    return s;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            raw.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            try (SSLSocket client = (SSLSocket) tls.getSocketFactory().createSocket(raw, "localhost",
                    server.getLocalPort(), true)) {
                client.setSoTimeout(5000);
                client.startHandshake();
                Socket serverSide = accepted.get(10, TimeUnit.SECONDS);
                assertEquals(5000, raw.getSoTimeout(), "the layered socket's soTimeout is ours");
                // A TLS 1.3 server sends session tickets after the handshake, unasked; a driver's first exchange
                // (authentication) reads them, as this greeting does.
                serverSide.getOutputStream().write("hi".getBytes(US_ASCII));
                serverSide.getOutputStream().flush();
                InputStream in = client.getInputStream();
                assertArrayEquals("hi".getBytes(US_ASCII), in.readNBytes(2));
                assertEquals(Peek.QUIET, SocketPeek.peek(raw));

                serverSide.getOutputStream().write("Nnotice".getBytes(US_ASCII));
                serverSide.getOutputStream().flush();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                Peek p = SocketPeek.peek(raw);
                while (p.state() != Peek.State.DATA && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                    p = SocketPeek.peek(raw);
                }
                assertEquals(Peek.State.DATA, p.state(), p.toString());
                assertTrue(p.firstByte() >= 0x14 && p.firstByte() <= 0x17, "a TLS record type: " + p);
                assertArrayEquals("Nnotice".getBytes(US_ASCII), in.readNBytes(7));
                serverSide.close();
            }
        }
    }

    private static SSLContext selfSigned(Path dir) throws Exception {
        Path store = dir.resolve("keystore.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), US_ASCII);
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, output);
        assertTrue(Files.size(store) > 0);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream f = new FileInputStream(store.toFile())) {
            ks.load(f, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
