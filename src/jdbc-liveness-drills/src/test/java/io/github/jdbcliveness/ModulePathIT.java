package io.github.jdbcliveness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library as a module, the way a module-path application sees it: it compiles against the root package and
 * not against an engine; each driver, itself on the module path, instantiates our socket factory by class name
 * (the keepalive read back from the kernel shows it did); and an engine's public class stays out of reach at run
 * time too. The application is compiled and run here with the JDK's own tools, against the embedded servers.
 */
class ModulePathIT {

    private static Path work;
    private static String modulePath;

    @BeforeAll
    static void compileTheApplication() throws Exception {
        work = Files.createTempDirectory("jdbc-liveness-module-path");
        modulePath = Stream.of(LivenessDataSource.class, com.zaxxer.hikari.HikariConfig.class,
                        org.slf4j.Logger.class, org.postgresql.Driver.class, com.mysql.cj.jdbc.Driver.class,
                        org.mariadb.jdbc.Driver.class)
                .map(ModulePathIT::location).distinct().collect(Collectors.joining(File.pathSeparator));
        Path source = write("app/module-info.java", """
                module app {
                    requires io.github.jdbcliveness;
                }
                """);
        Path main = write("app/app/Main.java", """
                package app;

                import com.zaxxer.hikari.HikariConfig;
                import io.github.jdbcliveness.KeepaliveSummary;
                import io.github.jdbcliveness.LivenessConfig;
                import io.github.jdbcliveness.LivenessDataSource;
                import java.sql.Connection;
                import java.sql.ResultSet;
                import java.sql.Statement;
                import java.time.Duration;

                public class Main {
                    public static void main(String[] args) throws Exception {
                        HikariConfig hikari = new HikariConfig();
                        hikari.setJdbcUrl(args[0]);
                        hikari.setUsername(args[1]);
                        hikari.setPassword(System.getenv("APP_PASSWORD"));
                        hikari.setMaximumPoolSize(2);
                        LivenessConfig config = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(6)).build();
                        try (LivenessDataSource ds = LivenessDataSource.create(hikari, config);
                                Connection c = ds.getConnection(); Statement s = c.createStatement();
                                ResultSet rs = s.executeQuery("SELECT 1")) {
                            rs.next();
                            KeepaliveSummary k = ds.stats().keepalive();
                            System.out.println("answered " + rs.getInt(1) + ", keepalive " + k.asRequested()
                                    + " of " + k.connections() + " as requested");
                        }
                        try {
                            Class.forName("io.github.jdbcliveness.heartbeat.HeartbeatScheduler")
                                    .getMethod("acquire").invoke(null);
                            System.out.println("an engine is reachable");
                        } catch (IllegalAccessException expected) {
                            System.out.println("the engines are sealed");
                        }
                    }
                }
                """);
        List<String> errors = compile(List.of(source, main), work.resolve("app-classes"));
        assertTrue(errors.isEmpty(), "the application compiles against the root package: " + errors);
    }

    @AfterAll
    static void removeTheApplication() throws Exception {
        if (work != null) {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void anEngineClass_doesNotCompileInAModuleThatRequiresUs() throws Exception {
        Path source = write("peek/module-info.java", """
                module peek {
                    requires io.github.jdbcliveness;
                }
                """);
        Path peek = write("peek/peek/Peek.java", """
                package peek;

                public class Peek {
                    Object scheduler = io.github.jdbcliveness.heartbeat.HeartbeatScheduler.class;
                    Object binding = io.github.jdbcliveness.pool.PoolBinding.class;
                    Object socket = io.github.jdbcliveness.keepalive.PgKeepaliveSocketFactory.class;
                }
                """);
        String errors = String.join("\n", compile(List.of(source, peek), work.resolve("peek-classes")));
        for (String hidden : List.of("io.github.jdbcliveness.heartbeat", "io.github.jdbcliveness.pool",
                "io.github.jdbcliveness.keepalive")) {
            assertTrue(errors.contains("package " + hidden + " is not visible"), hidden + ": " + errors);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"postgresql", "mysql", "mariadb"})
    void onTheModulePath_theDriverLoadsOurSocketFactory_andTheEnginesStaySealed(String driver) throws Exception {
        DatabaseTarget target = driver.equals("postgresql") ? DatabaseTargets.postgres() : DatabaseTargets.mysql();
        Path out = work.resolve(driver + ".out");
        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath + File.pathSeparator + work.resolve("app-classes"),
                "--module", "app/app.Main", target.jdbcUrl(driver), target.username())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        run.environment().put("APP_PASSWORD", target.password() == null ? "" : target.password());
        Process p = run.start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(ended, "the application did not end within 120 s: " + output);
        assertEquals(0, p.exitValue(), output);
        Matcher answer = Pattern.compile("answered 1, keepalive (\\d+) of (\\d+) as requested").matcher(output);
        assertTrue(answer.find(), output);
        assertTrue(Integer.parseInt(answer.group(2)) >= 1, "the driver opened its sockets through ours: " + output);
        assertEquals(answer.group(2), answer.group(1), "every socket carries the keepalive asked for: " + output);
        assertTrue(output.contains("the engines are sealed"), output);
    }

    private static List<String> compile(List<Path> sources, Path classes) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "this JDK has a compiler");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("--module-path", modulePath, "-d", classes.toString());
            javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        List<String> errors = new ArrayList<>();
        diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .forEach(d -> errors.add(d.getMessage(Locale.ROOT)));
        return errors;
    }

    private static Path write(String name, String text) throws Exception {
        Path file = work.resolve("src").resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(type.getName(), e);
        }
    }
}
