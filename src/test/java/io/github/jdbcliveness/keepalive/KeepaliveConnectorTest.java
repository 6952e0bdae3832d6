package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.jdbcliveness.KeepaliveSettings;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KeepaliveConnectorTest {

    private static final KeepaliveSettings K = KeepaliveSettings.forBudget(Duration.ofSeconds(6));

    @Test
    void urlNoDriverAccepts_isRefusedWithTheRedactedUrl() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> KeepaliveConnector.create("jdbc:nosuchdb://u:p@host/db", new Properties(), null, K));
        assertEquals("no JDBC driver on the class path accepts jdbc:nosuchdb://host/db (add pgjdbc, MySQL "
                + "Connector/J or MariaDB Connector/J)", e.getMessage());
    }

    @Test
    void driverClassName_thatIsNoDriver_isRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> KeepaliveConnector.create(
                "jdbc:postgresql://host/db", new Properties(), "java.lang.String", K));
        assertEquals(true, e.getMessage().startsWith(
                "driverClassName (java.lang.String) could not be loaded as a java.sql.Driver"), e.getMessage());
    }

    @Test
    void driverClassName_thatRejectsTheUrl_isRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> KeepaliveConnector.create(
                "jdbc:mysql://host/db", new Properties(), "org.postgresql.Driver", K));
        assertEquals("driverClassName (org.postgresql.Driver) does not accept jdbc:mysql://host/db", e.getMessage());
    }

    @Test
    void eachUrlScheme_findsItsDriver() {
        assertEquals(DriverKind.PGJDBC, KeepaliveConnector.create("jdbc:postgresql://h/d", null, null, K).driverKind());
        assertEquals(DriverKind.CONNECTOR_J, KeepaliveConnector.create("jdbc:mysql://h/d", null, null, K).driverKind());
        assertEquals(DriverKind.MARIADB, KeepaliveConnector.create("jdbc:mariadb://h/d", null, null, K).driverKind());
    }
}
