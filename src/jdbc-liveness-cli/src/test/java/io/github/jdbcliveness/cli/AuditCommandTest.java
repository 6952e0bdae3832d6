package io.github.jdbcliveness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit's argument handling; nothing here reaches a server (each case fails or finishes before connecting). */
class AuditCommandTest {

    private static final InputStream NO_INPUT = new ByteArrayInputStream(new byte[0]);

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, InputStream stdin, String... args) {
        return Main.run(args, env, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void help_printsTheUsage_andExits0() {
        assertEquals(0, run(Map.of(), NO_INPUT, "audit", "--help"));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("usage: " + Main.PROGRAM + " audit\n"), text);
        assertTrue(text.contains("3 a jdbc-liveness cell misses it"), text);
        out.reset();
        assertEquals(0, run(Map.of(), NO_INPUT, "drill", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: " + Main.PROGRAM + " drill "));
    }

    @Test
    void badValues_repeatTheValue_andExit64() {
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--budget", "soon"));
        assertTrue(err().contains("audit: --budget (soon) is not a duration: write it as 500ms, 6s, 2m"), err());
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--budget", "2s"));
        assertTrue(err().contains("detectionBudget (2s) must be between 4s and"), err());
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--url", "jdbc:oracle:thin:@db:1521/x"));
        assertTrue(err().contains("--url (jdbc:oracle:thin:***) must be a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL"),
                err());
        assertTrue(err().contains("with any other driver a pool runs without TCP keepalive, the in-flight watchdog "
                + "and the borrow-time socket check (no socket to see)"), err());
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--frobnicate"));
        assertTrue(err().contains("unknown option --frobnicate"), err());
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--budget"));
        assertTrue(err().contains("--budget needs a value"), err());
    }

    @Test
    void middleboxBelowTheHeartbeat_isAnError_withBothValues() {
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--budget", "30s", "--middlebox-idle", "8s"));
        assertTrue(err().contains("heartbeatInterval (10s) must be below middleboxIdleTimeout (8s)"), err());
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--budget", "30s", "--middlebox-idle", "10s"));
        assertTrue(err().contains("heartbeatInterval (10s) must be below middleboxIdleTimeout (10s)"), err());
    }

    @Test
    void passwordOnTheCommandLine_isRefused_withoutEchoingIt() {
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--url", "jdbc:postgresql://db/app", "--password",
                "hunter2"));
        assertTrue(err().contains("--password is not accepted"), err());
        assertFalse(err().contains("hunter2"), err());
    }

    @Test
    void aPasswordInTheUrl_isRefused_withoutEchoingIt_aUrlWithoutOneIsNot() throws Exception {
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--url", "jdbc:postgresql://db/app?password=hunter2"));
        assertTrue(err().contains("carries a password"), err());
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--url", "jdbc:mysql://app:hunter2@db/app"));
        assertFalse(err().contains("hunter2"), err());
        AuditArgs plain = AuditArgs.parse(new String[] {"audit", "--url", "jdbc:postgresql://db:5432/app?user=app"
                + "&ssl=true"}, Map.of(), NO_INPUT);
        assertTrue(plain.url().isPresent());
    }

    @Test
    void password_comesFromTheNamedVariable_orStandardInput() throws Exception {
        AuditArgs fromEnv = AuditArgs.parse(new String[] {"audit", "--url", "jdbc:postgresql://db/app", "--user",
            "app", "--password-env", "DB_PW"}, Map.of("DB_PW", "s3cret"), NO_INPUT);
        assertEquals(Optional.of("s3cret"), fromEnv.password());
        assertEquals(Duration.ofSeconds(30), fromEnv.budget());
        AuditArgs fromStdin = AuditArgs.parse(new String[] {"audit", "--url", "jdbc:mariadb://db/app",
            "--password-stdin", "--json", "--budget", "6s", "--middlebox-idle", "350s"}, Map.of(),
                new ByteArrayInputStream("from stdin\nignored\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.of("from stdin"), fromStdin.password());
        assertTrue(fromStdin.json());
        assertEquals(Optional.of(Duration.ofSeconds(350)), fromStdin.middleboxIdle());
        AuditArgs.UsageException missing = assertThrows(AuditArgs.UsageException.class, () -> AuditArgs.parse(
                new String[] {"audit", "--url", "jdbc:postgresql://db/app", "--password-env", "NOPE"}, Map.of(),
                NO_INPUT));
        assertEquals("--password-env (NOPE): no such environment variable", missing.getMessage());
        assertThrows(AuditArgs.UsageException.class, () -> AuditArgs.parse(new String[] {"audit", "--user", "app"},
                Map.of(), NO_INPUT));
    }

    @Test
    void unreachableServer_exits69_andNeverShowsThePassword() {
        // port 1 on loopback: refused at once
        assertEquals(69, run(Map.of("DB_PW", "s3cret"), NO_INPUT, "audit", "--url",
                "jdbc:postgresql://127.0.0.1:1/app?connectTimeout=2", "--password-env", "DB_PW"));
        assertTrue(err().startsWith("audit: cannot read jdbc:postgresql://127.0.0.1:1/app: "), err());
        assertFalse(err().contains("s3cret"), err());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badHikariProperties_nameTheFileAndTheValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pool.properties");
        Files.writeString(file, "keepaliveTime=two minutes\n");
        assertEquals(64, run(Map.of(), NO_INPUT, "audit", "--url", "jdbc:postgresql://127.0.0.1:1/app",
                "--hikari-properties", file.toString()));
        assertTrue(err().contains("--hikari-properties (" + file + ") keepaliveTime (two minutes) must be a whole "
                + "number"), err());
    }
}
