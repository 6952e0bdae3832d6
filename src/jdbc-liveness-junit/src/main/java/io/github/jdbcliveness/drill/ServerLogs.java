package io.github.jdbcliveness.drill;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;

/**
 * Where the embedded servers' own output goes: a file per server start in the temporary directory, so that the
 * console keeps what a user needs. A server that fails to start names its file.
 */
final class ServerLogs {

    private ServerLogs() {
    }

    static File file(String server) {
        return new File(System.getProperty("java.io.tmpdir"), "jdbc-liveness-" + server + "-"
                + ProcessHandle.current().pid() + "-" + System.currentTimeMillis() + ".log");
    }

    /** Appends one line; a log that cannot be written loses the line, never the server. */
    static synchronized void append(File log, String line) {
        try {
            Files.writeString(log.toPath(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the console stays quiet either way
        }
    }
}
