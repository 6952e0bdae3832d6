package io.github.jdbcliveness.keepalive;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of a PostgreSQL server for pgjdbc to finish connecting (trust authentication, no TLS), and to end the
 * session the way {@code pg_terminate_backend} does: a FATAL ErrorResponse, then close.
 */
final class FakePostgres implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSS_REQUEST = 80877104;

    private final ServerSocket server;
    private final CompletableFuture<Socket> session = new CompletableFuture<>();

    FakePostgres() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::serve, "fake-postgres");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try {
            Socket s = server.accept();
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (true) {
                int len = in.readInt();
                int code = in.readInt();
                in.readNBytes(len - 8);
                if (code == SSL_REQUEST || code == GSS_REQUEST) {
                    out.writeByte('N');
                    out.flush();
                    continue;
                }
                break; // the startup message
            }
            message(out, 'R', new byte[] {0, 0, 0, 0}); // AuthenticationOk
            parameter(out, "server_version", "16.0");
            parameter(out, "server_encoding", "UTF8");
            parameter(out, "client_encoding", "UTF8");
            parameter(out, "DateStyle", "ISO, MDY");
            parameter(out, "integer_datetimes", "on");
            parameter(out, "standard_conforming_strings", "on");
            parameter(out, "TimeZone", "UTC");
            message(out, 'K', new byte[] {0, 0, 0, 42, 0, 0, 0, 7}); // BackendKeyData
            message(out, 'Z', new byte[] {'I'}); // ReadyForQuery
            out.flush();
            session.complete(s);
        } catch (IOException e) {
            session.completeExceptionally(e);
        }
    }

    /** Ends the session as pg_terminate_backend does. */
    void terminate() throws Exception {
        Socket s = session.get(10, TimeUnit.SECONDS);
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        for (String f : new String[] {"SFATAL", "VFATAL", "C57P01",
                "Mterminating connection due to administrator command"}) {
            fields.write(f.getBytes(UTF_8));
            fields.write(0);
        }
        fields.write(0);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        message(out, 'E', fields.toByteArray());
        out.flush();
        s.close();
    }

    private static void parameter(DataOutputStream out, String name, String value) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(name.getBytes(UTF_8));
        body.write(0);
        body.write(value.getBytes(UTF_8));
        body.write(0);
        message(out, 'S', body.toByteArray());
    }

    private static void message(DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
    }

    @Override
    public void close() throws IOException {
        server.close();
        session.thenAccept(s -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // the test is over
            }
        });
    }
}
