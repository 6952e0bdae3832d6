package io.github.jdbcliveness;

import static io.github.jdbcliveness.KeepaliveSettingsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.pool.StubServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HikariCP properties with {@code liveness.*} keys: a whole file builds a working pool under a real HikariCP (stub
 * driver) with every key applied and HikariCP's own keys untouched; every malformed key or value fails before a pool
 * exists, with a message that names the key and repeats the value.
 */
class LivenessKeysTest {

    /** Every key the README documents, in its order. */
    static final List<String> KEYS = List.of("liveness.detectionBudget", "liveness.heartbeatInterval",
            "liveness.probeTimeout", "liveness.connectTimeout", "liveness.validationQuery", "liveness.validateOnBorrow",
            "liveness.requiredRole",
            "liveness.middleboxIdleTimeout", "liveness.keepaliveEnabled", "liveness.keepalive.idle",
            "liveness.keepalive.interval", "liveness.keepalive.count", "liveness.watchdogEnabled",
            "liveness.watchdogInterval", "liveness.unacknowledgedTimeout");
    private static final String BOOT_SHAPE = ", each also in the shape of its Spring Boot property "
            + "(liveness.detection-budget, liveness.watchdog.interval, …)";

    @Test
    void create_fromAFile_appliesEveryLivenessKey_passesHikariKeysOn_andThePoolWorks(@TempDir Path dir)
            throws Exception {
        StubServer server = StubServer.start();
        Path file = dir.resolve("pool.properties");
        Files.writeString(file, String.join("\n",
                "# HikariCP's own keys",
                "jdbcUrl=" + server.url(),
                "poolName=props-file",
                "maximumPoolSize=2",
                "minimumIdle=1",
                "connectionTimeout=1000",
                "idleTimeout=20s",
                "dataSource.stubOption=on",
                "# jdbc-liveness",
                "liveness.detectionBudget=6s",
                "liveness.heartbeatInterval=1500ms",
                "liveness.probeTimeout=PT1S",
                "liveness.connectTimeout=2s",
                "liveness.validationQuery=SELECT 1",
                "liveness.validateOnBorrow=true",
                "liveness.middleboxIdleTimeout=1m",
                "liveness.keepaliveEnabled=false",
                "liveness.keepalive.idle=2s",
                "liveness.keepalive.interval=1s",
                "liveness.keepalive.count=3",
                "liveness.watchdogEnabled=false",
                "liveness.watchdogInterval=250ms",
                "liveness.unacknowledgedTimeout=500ms", ""));

        try (LivenessDataSource ds = LivenessDataSource.create(file.toString())) {
            LivenessConfig c = ds.config();
            assertEquals(Duration.ofSeconds(6), c.detectionBudget());
            assertEquals(Duration.ofMillis(1500), c.heartbeatInterval());
            assertEquals(Duration.ofSeconds(1), c.probeTimeout());
            assertEquals(Duration.ofSeconds(2), c.connectTimeout());
            assertEquals(Optional.of("SELECT 1"), c.validationQuery());
            assertTrue(c.validateOnBorrow());
            assertEquals(Optional.of(Duration.ofMinutes(1)), c.middleboxIdleTimeout());
            assertFalse(c.keepaliveEnabled());
            assertEquals(KeepaliveSettings.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 3), c.keepalive());
            assertFalse(c.watchdogEnabled());
            assertEquals(Duration.ofMillis(250), c.watchdogInterval());
            assertEquals(Duration.ofMillis(500), c.unacknowledgedTimeout());

            HikariDataSource hikari = ds.unwrap(HikariDataSource.class);
            assertEquals("props-file", hikari.getPoolName());
            assertEquals(2, hikari.getMaximumPoolSize());
            assertEquals(1, hikari.getMinimumIdle());
            assertEquals(1000, hikari.getConnectionTimeout());
            assertEquals(20_000, hikari.getIdleTimeout());
            assertEquals("on", hikari.getDataSourceProperties().getProperty("stubOption"));
            assertFalse(hikari.getDataSourceProperties().containsKey("liveness.detectionBudget"));

            try (Connection conn = ds.getConnection()) {
                conn.createStatement().execute("SELECT 2");
            }
            // validateOnBorrow with the validation query: the borrow ran SELECT 1 before the application's SELECT 2.
            List<String> statements = server.connections.stream().flatMap(sc -> sc.statements.stream()).toList();
            int select2 = statements.indexOf("SELECT 2");
            assertTrue(select2 > 0 && statements.subList(0, select2).contains("SELECT 1"), statements.toString());
        }
    }

    @Test
    void load_findsAClassPathResource_withOrWithoutALeadingSlash_asHikariCPDoes() {
        for (String name : List.of("io/github/jdbcliveness/liveness-resource.properties",
                "/io/github/jdbcliveness/liveness-resource.properties")) {
            Properties p = LivenessKeys.load(name);
            assertEquals("from-the-class-path", p.getProperty("poolName"), name);
            assertEquals("6s", p.getProperty("liveness.detectionBudget"), name);
        }
    }

    @Test
    void switchKeys_setTrue_areDemands_andLeftOutAreNot() {
        assertTrue(config("liveness.keepaliveEnabled", "true").keepaliveRequired());
        assertTrue(config("liveness.watchdogEnabled", "true").watchdogRequired());
        LivenessConfig unset = config("liveness.detectionBudget", "6s");
        assertFalse(unset.keepaliveRequired() || unset.watchdogRequired());
        assertTrue(unset.keepaliveEnabled() && unset.watchdogEnabled());
    }

    @Test
    void create_withAMissingFile_namesIt() {
        assertMessage("properties file /nowhere/pool.properties not found: it is neither a file nor a class-path "
                + "resource", () -> LivenessDataSource.create("/nowhere/pool.properties"));
    }

    @Test
    void create_withAJdbcUrlInsteadOfAFile_saysSo_withoutEchoingTheUrl() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LivenessDataSource.create("jdbc:postgresql://db/app?password=secret"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertTrue(e.getMessage().contains("not a JDBC URL"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"3000ms, PT3S", "6s, PT6S", "2m, PT2M", "1h, PT1H", "1d, PT24H", "PT6S, PT6S", "pt1m30s, PT1M30S",
            "' 6s ', PT6S"})
    void durations_takeAUnitOrIso8601(String written, Duration expected) {
        LivenessConfig c = config("liveness.detectionBudget", "1d", "liveness.middleboxIdleTimeout", written,
                "liveness.heartbeatInterval", "2s", "liveness.keepalive.idle", "1s", "liveness.keepalive.interval",
                "1s", "liveness.keepalive.count", "1");
        assertEquals(Optional.of(expected), c.middleboxIdleTimeout());
    }

    @Test
    void unknownKey_isNamed_withTheNearestKnownOne_andTheListOfKeys() {
        var e = assertThrows(IllegalArgumentException.class, () -> config("liveness.detectionBudegt", "6s"));
        assertTrue(e.getMessage().startsWith("unknown key liveness.detectionBudegt (did you mean "
                + "liveness.detectionBudget?); the liveness.* keys are liveness.detectionBudget, "), e.getMessage());
        for (String key : KEYS) {
            assertTrue(e.getMessage().contains(key), key + " missing from: " + e.getMessage());
        }
        assertMessage("unknown key liveness.keepaliveIdle (did you mean liveness.keepalive.idle?); the liveness.* keys "
                + "are " + String.join(", ", KEYS) + BOOT_SHAPE, () -> config("liveness.keepaliveIdle", "2s"));
        assertMessage("unknown key liveness.retries; the liveness.* keys are " + String.join(", ", KEYS) + BOOT_SHAPE,
                () -> config("liveness.retries", "3"));
    }

    @Test
    void livenessSetting_withoutThePrefix_isNotPassedToHikariCP() {
        assertMessage("detectionBudget is a jdbc-liveness setting, not a HikariCP one: write it as "
                + "liveness.detectionBudget", () -> config("detectionBudget", "6s"));
        assertMessage("keepalive.count is a jdbc-liveness setting, not a HikariCP one: write it as "
                + "liveness.keepalive.count", () -> config("keepalive.count", "3"));
    }

    @Test
    void bareNumber_asksForAUnit_andSaysWhyHikariCPKeysDifferFromOurs() {
        assertMessage("liveness.detectionBudget (6000) needs a unit, for example 6000ms or 6000s: HikariCP reads a "
                + "bare number in its own settings as milliseconds, jdbc-liveness durations take a unit (ms, s, m, h, "
                + "d) or ISO-8601 (PT6S)", () -> config("liveness.detectionBudget", "6000"));
    }

    @Test
    void malformedDuration_namesKeyAndValue_andTheFormsAccepted() {
        assertMessage("liveness.probeTimeout (6 seconds) is not a duration: write it as 500ms, 6s, 2m, 1h, 1d or in "
                + "ISO-8601 (PT6S)", () -> config("liveness.probeTimeout", "6 seconds"));
        assertMessage("liveness.probeTimeout (\"\") is not a duration: write it as 500ms, 6s, 2m, 1h, 1d or in "
                + "ISO-8601 (PT6S)", () -> config("liveness.probeTimeout", ""));
        assertMessage("liveness.heartbeatInterval (99999999999999999999s) is too large for a duration",
                () -> config("liveness.heartbeatInterval", "99999999999999999999s"));
    }

    @Test
    void booleans_areExactlyTrueOrFalse() {
        assertMessage("liveness.validateOnBorrow (yes) must be true or false",
                () -> config("liveness.validateOnBorrow", "yes"));
        assertMessage("liveness.watchdogEnabled (TRUE) must be true or false",
                () -> config("liveness.watchdogEnabled", "TRUE"));
        assertFalse(config("liveness.watchdogEnabled", "false").watchdogEnabled());
    }

    @Test
    void keepaliveTriple_isAllOrNone_andTheMissingKeysAreNamed() {
        assertMessage("liveness.keepalive.interval and liveness.keepalive.count are missing: liveness.keepalive.idle, "
                + "liveness.keepalive.interval and liveness.keepalive.count go together; set all three, or none to "
                + "derive them from liveness.detectionBudget", () -> config("liveness.keepalive.idle", "2s"));
        assertMessage("liveness.keepalive.count is missing: liveness.keepalive.idle, liveness.keepalive.interval and "
                + "liveness.keepalive.count go together; set all three, or none to derive them from "
                + "liveness.detectionBudget",
                () -> config("liveness.keepalive.idle", "2s", "liveness.keepalive.interval", "1s"));
        assertMessage("liveness.keepalive.count (three) must be a whole number between 1 and 127",
                () -> config("liveness.keepalive.count", "three"));
    }

    @Test
    void builderBounds_surfaceWithTheKeyInFront() {
        assertMessage("liveness.probeTimeout: probeTimeout (70s) must be between 50ms and 60s",
                () -> config("liveness.probeTimeout", "70s"));
        assertMessage("liveness.detectionBudget: detectionBudget (3s) must be between 4s and 86400s",
                () -> config("liveness.detectionBudget", "3s"));
        assertMessage("liveness.keepalive.idle: keepaliveIdle (500ms) must be at least 1s", () -> config(
                "liveness.keepalive.idle", "500ms", "liveness.keepalive.interval", "1s", "liveness.keepalive.count",
                "3"));
        assertMessage("liveness.keepalive.count: keepaliveCount (200) must be between 1 and 127 (the kernel's bounds "
                + "for TCP_KEEPCNT)", () -> config("liveness.keepalive.idle", "2s", "liveness.keepalive.interval",
                        "1s", "liveness.keepalive.count", "200"));
        assertMessage("liveness.validationQuery: validationQuery (\"  \") must not be blank; leave it unset to probe "
                + "with isValid", () -> config("liveness.validationQuery", "  "));
    }

    @Test
    void builderConflict_namesTheKeysThatWereSet_inTheOrderTheMessageNamesThem() {
        assertMessage("liveness.heartbeatInterval, liveness.detectionBudget: heartbeatInterval (5.5s) + probeTimeout "
                + "(1s) must be within detectionBudget (6s): a connection that dies right after a probe is found by "
                + "the next one", () -> config("liveness.detectionBudget", "6s", "liveness.heartbeatInterval", "5500ms"));
    }

    @Test
    void bootShapedKeys_underTheLivenessPrefix_setEverySetting() {
        LivenessConfig c = config("liveness.detection-budget", "6s", "liveness.heartbeat-interval", "1500ms",
                "liveness.probe-timeout", "PT1S", "liveness.connect-timeout", "2s", "liveness.validation-query",
                "SELECT 1", "liveness.validate-on-borrow", "true", "liveness.middlebox-idle-timeout", "1m",
                "liveness.keepalive.enabled", "false", "liveness.keepalive.idle", "2s", "liveness.keepalive.interval",
                "1s", "liveness.keepalive.count", "3", "liveness.watchdog.enabled", "false",
                "liveness.watchdog.interval", "250ms", "liveness.watchdog.unacknowledged-timeout", "500ms");
        assertEquals(Duration.ofSeconds(6), c.detectionBudget());
        assertEquals(Duration.ofMillis(1500), c.heartbeatInterval());
        assertEquals(Duration.ofSeconds(1), c.probeTimeout());
        assertEquals(Duration.ofSeconds(2), c.connectTimeout());
        assertEquals(Optional.of("SELECT 1"), c.validationQuery());
        assertTrue(c.validateOnBorrow());
        assertEquals(Optional.of(Duration.ofMinutes(1)), c.middleboxIdleTimeout());
        assertFalse(c.keepaliveEnabled() || c.keepaliveRequired());
        assertEquals(KeepaliveSettings.of(Duration.ofSeconds(2), Duration.ofSeconds(1), 3), c.keepalive());
        assertFalse(c.watchdogEnabled() || c.watchdogRequired());
        assertEquals(Duration.ofMillis(250), c.watchdogInterval());
        assertEquals(Duration.ofMillis(500), c.unacknowledgedTimeout());
    }

    @Test
    void bootShapedKeys_areNamedAsWritten_inEveryError() {
        assertMessage("liveness.detection-budget (6) needs a unit, for example 6ms or 6s: HikariCP reads a bare "
                + "number in its own settings as milliseconds, jdbc-liveness durations take a unit (ms, s, m, h, d) "
                + "or ISO-8601 (PT6S)", () -> config("liveness.detection-budget", "6"));
        assertMessage("liveness.watchdog.enabled (yes) must be true or false",
                () -> config("liveness.watchdog.enabled", "yes"));
        assertMessage("liveness.probe-timeout: probeTimeout (70s) must be between 50ms and 60s",
                () -> config("liveness.probe-timeout", "70s"));
        assertMessage("liveness.heartbeat-interval, liveness.detectionBudget: heartbeatInterval (5.5s) + probeTimeout "
                + "(1s) must be within detectionBudget (6s): a connection that dies right after a probe is found by "
                + "the next one", () -> config("liveness.detectionBudget", "6s", "liveness.heartbeat-interval",
                        "5500ms"));
    }

    @Test
    void oneSettingInBothShapes_isRefused_namingBothKeys() {
        assertMessage("liveness.detection-budget and liveness.detectionBudget are the same setting, written in two "
                + "shapes: keep one", () -> config("liveness.detectionBudget", "6s", "liveness.detection-budget",
                        "6s"));
    }

    @Test
    void aSpringBootKey_inAFile_isNotPassedToHikariCP_andTheFileKeyIsNamed() {
        assertMessage("jdbc-liveness.watchdog.interval is a Spring Boot property; in a properties file write it as "
                + "liveness.watchdog.interval", () -> config("jdbc-liveness.watchdog.interval", "1s"));
        assertMessage("detection-budget is a jdbc-liveness setting, not a HikariCP one: write it as "
                + "liveness.detection-budget", () -> config("detection-budget", "6s"));
        assertMessage("unknown key liveness.detection-budgte (did you mean liveness.detection-budget?); the "
                + "liveness.* keys are " + String.join(", ", KEYS) + BOOT_SHAPE,
                () -> config("liveness.detection-budgte", "6s"));
    }

    /** The config the given {@code liveness.*} keys make, beside a HikariCP key that must pass through. */
    private static LivenessConfig config(String... keysAndValues) {
        Properties p = new Properties();
        p.setProperty("jdbcUrl", "jdbc:stub:unused");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        LivenessKeys.Split split = LivenessKeys.split(p);
        assertEquals("jdbc:stub:unused", split.hikari().getProperty("jdbcUrl"));
        assertEquals(1, split.hikari().size(), split.hikari().toString());
        return split.liveness();
    }

    @Test
    void requiredRole_inEitherShape_anyCase_andABadValueIsNamed() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("liveness.required-role", "Primary");
        assertEquals(java.util.Optional.of(ServerRole.PRIMARY), LivenessKeys.split(p).liveness().requiredRole());
        java.util.Properties bad = new java.util.Properties();
        bad.setProperty("liveness.requiredRole", "leader");
        assertEquals("liveness.requiredRole (leader) must be primary, standby or any",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> LivenessKeys.split(bad)).getMessage());
    }
}
