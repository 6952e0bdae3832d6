package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalTargetTest {

    @Test
    void unset_meansNoExternalTarget() {
        assertTrue(ExternalTarget.fromEnvironment(DatabaseTarget.Kind.POSTGRESQL, "JDBCLIVENESS_PG", Map.of())
                .isEmpty());
    }

    @Test
    void url_userAndPassword_comeFromTheEnvironment() {
        DatabaseTarget t = ExternalTarget.fromEnvironment(DatabaseTarget.Kind.MYSQL, "JDBCLIVENESS_MYSQL",
                Map.of("JDBCLIVENESS_MYSQL_URL", "jdbc:mysql://db.internal:3307/app",
                        "JDBCLIVENESS_MYSQL_USER", "drill", "JDBCLIVENESS_MYSQL_PASSWORD", "pw")).orElseThrow();
        assertEquals("db.internal", t.host());
        assertEquals(3307, t.port());
        assertEquals("drill", t.username());
        assertEquals("pw", t.password());
        assertEquals("jdbc:mariadb://db.internal:3307/app", t.jdbcUrl("mariadb"));
        assertEquals("external", t.origin());
    }

    @Test
    void defaultPort_followsTheKind() {
        DatabaseTarget t = ExternalTarget.fromEnvironment(DatabaseTarget.Kind.POSTGRESQL, "JDBCLIVENESS_PG",
                Map.of("JDBCLIVENESS_PG_URL", "jdbc:postgresql://pg/app")).orElseThrow();
        assertEquals(5432, t.port());
        assertEquals("postgres", t.username());
    }

    @Test
    void notAJdbcUrl_isRefusedNamingTheVariable() {
        var e = assertThrows(IllegalArgumentException.class, () -> ExternalTarget.fromEnvironment(
                DatabaseTarget.Kind.POSTGRESQL, "JDBCLIVENESS_PG", Map.of("JDBCLIVENESS_PG_URL", "postgres://x")));
        assertEquals("JDBCLIVENESS_PG_URL must be a JDBC URL (jdbc:...), got postgres://x", e.getMessage());
    }

    @Test
    void malformedUrl_isRefusedNamingTheVariable_withoutEchoingThePassword() {
        String url = "jdbc:postgresql://drill:s3cret pw@pg:5432/app?password=s3cret pw";
        var e = assertThrows(IllegalArgumentException.class, () -> ExternalTarget.fromEnvironment(
                DatabaseTarget.Kind.POSTGRESQL, "JDBCLIVENESS_PG", Map.of("JDBCLIVENESS_PG_URL", url)));
        assertEquals("JDBCLIVENESS_PG_URL is not a valid URL (URISyntaxException), got jdbc:postgresql://pg:5432/app",
                e.getMessage());
        assertNull(e.getCause(), "a cause would print the whole URL in the stack trace");
        assertFalse(e.toString().contains("s3cret"));
    }

    @Test
    void urlWithoutHost_isRefused_withoutEchoingCredentials() {
        var e = assertThrows(IllegalArgumentException.class, () -> ExternalTarget.fromEnvironment(
                DatabaseTarget.Kind.MYSQL, "JDBCLIVENESS_MYSQL",
                Map.of("JDBCLIVENESS_MYSQL_URL", "jdbc:oracle:thin:scott/tiger@host:1521/db")));
        assertEquals("JDBCLIVENESS_MYSQL_URL must name a host and port, got jdbc:oracle:thin:***", e.getMessage());
    }
}
