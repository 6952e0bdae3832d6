package io.github.jdbcliveness.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata the build writes (the processor's, merged with
 * {@code additional-spring-configuration-metadata.json}) against the properties the docs promise: an IDE completes
 * and describes every property the README's settings table and docs/configuration.md list under Spring Boot, and the
 * docs list every property the jar describes.
 */
class ConfigurationMetadataTest {

    /** Surefire runs in the module's folder; the docs are at the top of the reactor. */
    private static final Path ROOT = Path.of("../..");
    private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    /** A member whose value is a string, or a number or literal; a nested object's members are read too. */
    private static final Pattern MEMBER =
            Pattern.compile("\"(\\w+)\"\\s*:\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([\\w.-]+))");

    @Test
    void everyPropertyInTheReadmesSettingsTable_hasMetadata_andEveryPropertyWithMetadata_isInIt() throws IOException {
        Set<String> documented = column(ROOT.resolve("README.md"), "| builder | properties file | Spring Boot |",
                "Spring Boot");
        Set<String> described = metadataProperties();
        assertTrue(documented.contains("management.health.jdbc-liveness.enabled"), documented.toString());
        assertEquals(documented, described, "README.md's settings table against " + METADATA);
    }

    @Test
    void everyPropertyInTheSpringBootTableOfTheConfigurationDocs_hasMetadata_andTheOtherWayRound() throws IOException {
        Set<String> documented = column(ROOT.resolve("docs/configuration.md"), "| property | default |", "property");
        assertEquals(documented, metadataProperties(), "docs/configuration.md's Spring Boot table against " + METADATA);
    }

    @Test
    void theHealthSwitch_isABooleanThatDefaultsToTrue_withADescription() throws IOException {
        Map<String, String> health = metadata().stream()
                .filter(p -> "management.health.jdbc-liveness.enabled".equals(p.get("name"))).findFirst()
                .orElseThrow();
        assertEquals("java.lang.Boolean", health.get("type"));
        assertEquals("true", health.get("defaultValue"));
        assertFalse(String.valueOf(health.get("description")).isBlank());
    }

    private static Set<String> metadataProperties() throws IOException {
        Set<String> names = new TreeSet<>();
        metadata().forEach(p -> names.add(p.get("name")));
        return names;
    }

    /**
     * The entries of the metadata's {@code properties} array, each as its string, number and boolean members in their
     * JSON spelling ({@code "true"}). Boot's {@code BasicJsonParser} cannot read the file (it takes the whitespace
     * before an object in an array for a string), and no JSON library is on this class path.
     */
    private static List<Map<String, String>> metadata() throws IOException {
        assertTrue(Files.exists(METADATA), METADATA.toAbsolutePath() + " is missing: the build writes it");
        String json = Files.readString(METADATA);
        Matcher array = Pattern.compile("\"properties\"\\s*:\\s*\\[").matcher(json);
        assertTrue(array.find(), json);
        List<Map<String, String>> entries = new ArrayList<>();
        int depth = 0;
        int objectStart = -1;
        boolean inString = false;
        for (int i = array.end(); i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' && depth++ == 0) {
                objectStart = i;
            } else if (c == '}' && --depth == 0) {
                entries.add(members(json.substring(objectStart, i + 1)));
            } else if (c == ']' && depth == 0) {
                break;
            }
        }
        assertFalse(entries.isEmpty(), json);
        return entries;
    }

    private static Map<String, String> members(String object) {
        Map<String, String> members = new HashMap<>();
        Matcher m = MEMBER.matcher(object);
        while (m.find()) {
            members.putIfAbsent(m.group(1), m.group(2) != null ? m.group(2).replace("\\/", "/") : m.group(3));
        }
        return members;
    }

    /**
     * The property names in one column of the Markdown table whose header starts with {@code header}: every code span
     * in the cell, a short form such as {@code .interval} taken beside the full name before it.
     */
    private static Set<String> column(Path file, String header, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            if (lines.get(i).startsWith(header)) {
                start = i;
            }
        }
        assertTrue(start >= 0, file + " has no table starting with " + header);
        List<String> headings = cells(lines.get(start));
        int column = headings.indexOf(name);
        assertTrue(column >= 0, headings.toString());
        Set<String> names = new TreeSet<>();
        for (int i = start + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String full = null;
            Matcher m = CODE.matcher(cells(lines.get(i)).get(column));
            while (m.find()) {
                String code = m.group(1);
                if (code.startsWith(".") && full != null) {
                    names.add(full.substring(0, full.lastIndexOf('.')) + code);
                } else {
                    full = code;
                    names.add(code);
                }
            }
        }
        assertFalse(names.isEmpty(), file + ": no property in column " + name);
        return names;
    }

    private static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        for (String cell : row.substring(1).split("\\|", -1)) {
            cells.add(cell.strip());
        }
        return cells;
    }
}
