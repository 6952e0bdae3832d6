package io.github.jdbcliveness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void parseDuration_acceptsUnitsAndIso() {
        assertEquals(Duration.ofSeconds(6), Main.parseDuration("6s"));
        assertEquals(Duration.ofMillis(500), Main.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(2), Main.parseDuration("2m"));
        assertEquals(Duration.ofHours(1), Main.parseDuration("1h"));
        assertEquals(Duration.ofSeconds(30), Main.parseDuration("PT30S"));
        assertThrows(IllegalArgumentException.class, () -> Main.parseDuration("six"));
        assertThrows(IllegalArgumentException.class, () -> Main.parseDuration(""));
    }

    @Test
    void unknownCommand_printsUsage_andExits64() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"frobnicate"}, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(64, code);
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("unknown command frobnicate: drill or audit"), text);
        assertTrue(text.contains("usage: jdbc-liveness drill in-flight|idle|traffic|hung|all"), text);
        assertTrue(text.contains("usage: jdbc-liveness audit"), text);
    }

    @Test
    void badOptionValues_nameTheOptionAndTheValue() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(64, Main.run(new String[] {"drill", "in-flight", "--budget", "soon"}, System.out, e));
        assertEquals(64, Main.run(new String[] {"drill", "in-flight", "--db", "oracle"}, System.out, e));
        String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("--budget (soon) is not a duration such as 6s, 500ms or 2m"), text);
        assertTrue(text.contains("--db (oracle) must be postgresql, mariadb or all"), text);
    }
}
