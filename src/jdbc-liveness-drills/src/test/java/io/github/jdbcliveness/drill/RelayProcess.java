package io.github.jdbcliveness.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A userspace TCP relay ({@code src/test/resources/kernel/relay.py}) run as a child process of the drill: it stands
 * for a TCP-terminating proxy (PgBouncer, HAProxy in TCP mode, RDS Proxy). Its own kernel ACKs the client, so what
 * the client's kernel shows is the hop to the relay only. {@link #freeze()} stops it with SIGSTOP: a hung proxy.
 */
final class RelayProcess implements AutoCloseable {

    private final Process process;
    private final Path script;
    private final int port;

    private RelayProcess(Process process, Path script, int port) {
        this.process = process;
        this.script = script;
        this.port = port;
    }

    /** Starts {@code prefix... python3 relay.py listenHost 0 targetHost targetPort} and waits until it listens. */
    static RelayProcess start(List<String> prefix, String listenHost, String targetHost, int targetPort)
            throws IOException {
        Path script = Files.createTempFile("relay", ".py");
        try (InputStream in = RelayProcess.class.getResourceAsStream("/kernel/relay.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of("python3", script.toString(), listenHost, "0", targetHost, String.valueOf(targetPort)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("ready ")) {
            p.destroy();
            Files.deleteIfExists(script);
            throw new IOException(command + " did not start: " + line);
        }
        return new RelayProcess(p, script, Integer.parseInt(line.substring("ready ".length()).trim()));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** SIGSTOP: the relay's kernel keeps ACKing, nothing is forwarded. */
    void freeze() throws Exception {
        KernelView.run("kill", "-STOP", Long.toString(process.pid()));
    }

    void thaw() throws Exception {
        KernelView.run("kill", "-CONT", Long.toString(process.pid()));
    }

    @Override
    public void close() {
        try {
            thaw(); // a stopped process does not act on SIGTERM until continued
        } catch (Exception e) {
            // already gone
        }
        process.destroy(); // our own child, by handle
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // a temp file
        }
    }
}
