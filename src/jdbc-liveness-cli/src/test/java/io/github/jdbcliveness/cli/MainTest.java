package io.github.jdbcliveness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.cert.Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void budget_takesTheLibrarysDurationGrammar_andRefusesABareNumber() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"drill", "hung", "--budget", "6"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(64, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--budget (6) needs a unit"), err.toString());
    }

    @Test
    void unknownCommand_printsUsage_andExits64() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"frobnicate"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(64, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("unknown command frobnicate: drill, audit or soak"), text);
        assertTrue(text.contains("usage: " + Main.PROGRAM + " drill in-flight|idle|traffic|hung|all\n"), text);
        assertTrue(text.contains("usage: " + Main.PROGRAM + " audit\n"), text);
        assertTrue(text.contains("usage: " + Main.PROGRAM + " soak [--minutes N]"), text);
    }

    @Test
    void soak_refusesAValueOutOfBounds_namingTheOptionAndTheValue() {
        for (String[] bad : new String[][] {{"--minutes", "0.1", "--minutes (0.1) must be between 0.5 and 1440"},
                {"--minutes", "three", "--minutes (three) is not a number of minutes"},
                {"--budget", "2s", "--budget (2s) must be at least 4s"},
                {"--seed", "x", "--seed (x) "},
                {"--server", "oracle", "--server (oracle) must be postgresql or mariadb"},
                {"--frobnicate", "1", "unknown option --frobnicate"}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"soak", bad[0], bad[1]}, System.out,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(64, code, bad[0]);
            assertTrue(err.toString(StandardCharsets.UTF_8).startsWith(bad[2]), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void program_fromTheRunnableJar_isJavaDashJarWithItsFileName() throws Exception {
        CodeSource jar = new CodeSource(
                Path.of("/opt/tools/jdbc-liveness-cli-0.1.0-SNAPSHOT-all.jar").toUri().toURL(), (Certificate[]) null);
        assertEquals("java -jar jdbc-liveness-cli-0.1.0-SNAPSHOT-all.jar", Main.program(jar));
    }

    @Test
    void program_fromClassesOrTheThinJar_namesTheRunnableJarMvnPackageBuilds() throws Exception {
        for (String where : List.of("src/jdbc-liveness-cli/target/classes/", "lib/jdbc-liveness-cli-0.1.0.jar")) {
            CodeSource source = new CodeSource(Path.of(where).toAbsolutePath().toUri().toURL(), (Certificate[]) null);
            assertEquals("java -jar jdbc-liveness-cli-VERSION-all.jar", Main.program(source), where);
        }
        assertEquals("java -jar jdbc-liveness-cli-VERSION-all.jar", Main.program(null));
    }

    @Test
    void usageError_namesACommandThatRuns() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"audit", "--frobnicate"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(64, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("run `" + Main.PROGRAM + " audit --help` for the options"), text);
        assertTrue(Main.PROGRAM.startsWith("java -jar jdbc-liveness-cli-"), Main.PROGRAM);
    }

    @Test
    void badOptionValues_nameTheOptionAndTheValue() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(64, Main.run(new String[] {"drill", "in-flight", "--budget", "soon"}, System.out, e));
        assertEquals(64, Main.run(new String[] {"drill", "in-flight", "--db", "oracle"}, System.out, e));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("--budget (soon) is not a duration: write it as 500ms, 6s, 2m"), text);
        assertTrue(text.contains("--db (oracle) must be postgresql, mariadb or all"), text);
    }
}
