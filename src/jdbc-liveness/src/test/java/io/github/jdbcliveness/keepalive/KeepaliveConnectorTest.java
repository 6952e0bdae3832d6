package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals("no JDBC driver on the class path accepts jdbc:nosuchdb://host/db (add the database's JDBC "
                + "driver; jdbc-liveness sees the sockets of pgjdbc, MySQL Connector/J and MariaDB Connector/J)",
                e.getMessage());
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
    void keepaliveLeftToTheDriver_pgjdbcStillConnectsThroughOurSocket_whichIsSeenAndPeekable() throws Exception {
        try (FakePostgres pg = new FakePostgres()) {
            KeepaliveConnector connector = KeepaliveConnector.create("jdbc:postgresql://127.0.0.1:" + pg.port()
                    + "/app?sslmode=disable&gssEncMode=disable&assumeMinServerVersion=16&socketTimeout=5&connectTimeout=5",
                    DriverKindTest.props("user", "app"), null, null, null);
            assertEquals(DriverKind.PGJDBC, connector.driverKind());
            KeepaliveConnector.Connected c = connector.connect(null, null);
            try {
                assertInstanceOf(KeepaliveSocket.class, c.socket());
                assertEquals(c.socket().getLocalPort(), c.applied().localPort());
                assertEquals(pg.port(), c.applied().remote().getPort());
                assertFalse(c.applied().asRequested());
                assertNull(c.applied().requested());
                assertTrue(c.applied().toString().contains("keepalive left to the driver"), c.applied().toString());
                assertFalse(c.socket().getKeepAlive(), "pgjdbc's own tcpKeepAlive default (false) stands");
                assertEquals(Peek.QUIET, SocketPeek.peek(c.socket()));

                pg.terminate();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                Peek p = SocketPeek.peek(c.socket());
                while (!DriverKind.PGJDBC.closing(p) && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                    p = SocketPeek.peek(c.socket());
                }
                assertTrue(DriverKind.PGJDBC.closing(p), p.toString());
                assertEquals('E', p.firstByte(), p.toString());
            } finally {
                c.connection().close();
            }
        }
    }

    @Test
    void eachUrlScheme_findsItsDriver() {
        assertEquals(DriverKind.PGJDBC, KeepaliveConnector.create("jdbc:postgresql://h/d", null, null, K).driverKind());
        assertEquals(DriverKind.CONNECTOR_J, KeepaliveConnector.create("jdbc:mysql://h/d", null, null, K).driverKind());
        assertEquals(DriverKind.MARIADB, KeepaliveConnector.create("jdbc:mariadb://h/d", null, null, K).driverKind());
    }
}
