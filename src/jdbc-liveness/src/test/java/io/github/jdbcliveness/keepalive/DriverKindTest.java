package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.KeepaliveSettings;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DriverKindTest {

    private static final KeepaliveSettings K = KeepaliveSettings.forBudget(Duration.ofSeconds(6));

    @Test
    void pgjdbc_getsOurFactory_tcpKeepAliveForced_andTheValuesAsProperties() {
        Properties user = props("user", "app", "password", "secret");
        Properties p = DriverKind.PGJDBC.prepare(JdbcUrl.parse("jdbc:postgresql://db:5432/app"), user, K);
        assertEquals(PgKeepaliveSocketFactory.class.getName(), p.getProperty("socketFactory"));
        assertEquals("true", p.getProperty("tcpKeepAlive"));
        assertEquals("2", p.getProperty("jdbcliveness.keepaliveIdle"));
        assertEquals("1", p.getProperty("jdbcliveness.keepaliveInterval"));
        assertEquals("3", p.getProperty("jdbcliveness.keepaliveCount"));
        assertEquals("secret", p.getProperty("password"));
        assertEquals(null, user.getProperty("socketFactory"), "the user's properties are not modified");
    }

    @Test
    void connectorJ_getsOurFactory() {
        Properties p = DriverKind.CONNECTOR_J.prepare(JdbcUrl.parse("jdbc:mysql://db/app"), new Properties(), K);
        assertEquals(MysqlKeepaliveSocketFactory.class.getName(), p.getProperty("socketFactory"));
        assertEquals("true", p.getProperty("tcpKeepAlive"));
    }

    @Test
    void mariadb_usesItsOwnKeepaliveProperties() {
        Properties p = DriverKind.MARIADB.prepare(JdbcUrl.parse("jdbc:mariadb://db/app"), new Properties(), K);
        assertEquals("2", p.getProperty("tcpKeepIdle"));
        assertEquals("1", p.getProperty("tcpKeepInterval"));
        assertEquals("3", p.getProperty("tcpKeepCount"));
        assertEquals(MariaDbKeepaliveSocketFactory.class.getName(), p.getProperty("socketFactory"));
    }

    @Test
    void usersOwnSocketFactory_inProperties_isRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverKind.PGJDBC.prepare(
                JdbcUrl.parse("jdbc:postgresql://db/app"), props("socketFactory", "com.example.TunnelFactory"), K));
        assertEquals("socketFactory (com.example.TunnelFactory) is already set in the connection properties for "
                + "jdbc:postgresql://db/app; jdbc-liveness needs socketFactory="
                + PgKeepaliveSocketFactory.class.getName() + " to tune TCP keepalive per socket on pgjdbc: it cannot "
                + "chain another socket factory, remove yours", e.getMessage());
    }

    @Test
    void usersOwnSocketFactory_inTheUrl_isRefusedWithoutLeakingTheUrlsSecrets() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverKind.CONNECTOR_J.prepare(
                JdbcUrl.parse("jdbc:mysql://app:hunter2@db/app?password=hunter2&socketFactory=com.example.Socks"),
                new Properties(), K));
        assertEquals("socketFactory (com.example.Socks) is already set in the JDBC URL for jdbc:mysql://db/app; "
                + "jdbc-liveness needs socketFactory=" + MysqlKeepaliveSocketFactory.class.getName() + " to tune TCP "
                + "keepalive per socket on MySQL Connector/J: it cannot chain another socket factory, remove yours",
                e.getMessage());
    }

    @Test
    void tcpKeepAliveFalse_isRefused_becausePgjdbcWouldSwitchKeepaliveOffAfterConnect() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverKind.PGJDBC.prepare(
                JdbcUrl.parse("jdbc:postgresql://db/app?tcpKeepAlive=false"), new Properties(), K));
        assertEquals("tcpKeepAlive (false) is already set in the JDBC URL for jdbc:postgresql://db/app; "
                + "jdbc-liveness needs tcpKeepAlive=true to tune TCP keepalive per socket on pgjdbc: remove the "
                + "setting", e.getMessage());
    }

    @Test
    void conflictInProperties_isRefusedEvenWhenTheUrlAgrees() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverKind.PGJDBC.prepare(
                JdbcUrl.parse("jdbc:postgresql://db/app?tcpKeepAlive=true"), props("tcpKeepAlive", "false"), K));
        assertEquals(true, e.getMessage().startsWith("tcpKeepAlive (false) is already set in the connection "
                + "properties"), e.getMessage());
    }

    @Test
    void mariadbKeepIdle_conflictingWithTheBudget_isRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverKind.MARIADB.prepare(
                JdbcUrl.parse("jdbc:mariadb://db/app"), props("tcpKeepIdle", "7200"), K));
        assertEquals("tcpKeepIdle (7200) is already set in the connection properties for jdbc:mariadb://db/app; "
                + "jdbc-liveness needs tcpKeepIdle=2 to tune TCP keepalive per socket on MariaDB Connector/J: remove "
                + "the setting", e.getMessage());
    }

    @Test
    void sameValuesAsOurs_areAccepted_caseInsensitively() {
        Properties p = DriverKind.MARIADB.prepare(JdbcUrl.parse("jdbc:mariadb://db/app?TCPKEEPALIVE=TRUE"),
                props("tcpKeepIdle", "2"), K);
        assertEquals("2", p.getProperty("tcpKeepIdle"));
    }

    @Test
    void ofDriverClass_knowsTheThreeDrivers() {
        assertEquals(DriverKind.PGJDBC, DriverKind.ofDriverClass("org.postgresql.Driver"));
        assertEquals(DriverKind.CONNECTOR_J, DriverKind.ofDriverClass("com.mysql.cj.jdbc.Driver"));
        assertEquals(DriverKind.MARIADB, DriverKind.ofDriverClass("org.mariadb.jdbc.Driver"));
        assertEquals(null, DriverKind.ofDriverClass("org.h2.Driver"));
    }

    @Test
    void pgjdbc_unsolicitedErrorResponse_meansClosing_butNoticesNotificationsAndParameterStatusDoNot() {
        assertTrue(DriverKind.PGJDBC.unsolicitedDataMeansClosing('E'));
        for (char legit : new char[] {'N', 'A', 'S'}) {
            assertFalse(DriverKind.PGJDBC.unsolicitedDataMeansClosing(legit), String.valueOf(legit));
        }
        assertTrue(DriverKind.PGJDBC.closing(Peek.data('E', 90)));
        assertFalse(DriverKind.PGJDBC.closing(Peek.data('N', 40)));
        assertFalse(DriverKind.PGJDBC.closing(Peek.data(0x17, 40)), "a TLS record hides the message type");
        assertTrue(DriverKind.PGJDBC.closing(Peek.closed('N', 40, "EOF")), "a FIN after a notice is still a FIN");
    }

    @Test
    void mysqlProtocol_anyUnsolicitedData_meansClosing_alsoUnderTls() {
        for (DriverKind kind : new DriverKind[] {DriverKind.CONNECTOR_J, DriverKind.MARIADB}) {
            assertTrue(kind.closing(Peek.data(0x1f, 60)), kind + ": an ERR packet starts with its length");
            assertTrue(kind.closing(Peek.data(0x17, 60)), kind + ": a TLS record");
            assertTrue(kind.closing(Peek.closed(-1, 0, "Connection reset")));
            assertFalse(kind.closing(Peek.QUIET));
            assertFalse(kind.closing(Peek.UNKNOWN));
        }
    }

    @Test
    void keepaliveLeftToTheDriver_installsOnlyOurSocketFactory() {
        for (DriverKind kind : DriverKind.values()) {
            Properties p = kind.prepare(JdbcUrl.parse("jdbc:x://db/app"), props("user", "app"), null);
            assertEquals(kind.socketFactory, p.getProperty("socketFactory"), kind.name());
            assertEquals(null, p.getProperty("tcpKeepAlive"), kind.name());
            assertEquals(null, p.getProperty("tcpKeepIdle"), kind.name());
            assertEquals(null, p.getProperty("jdbcliveness.keepaliveIdle"), kind.name());
            assertEquals("app", p.getProperty("user"), kind.name());
        }
        Properties userChoice = DriverKind.PGJDBC.prepare(
                JdbcUrl.parse("jdbc:postgresql://db/app?tcpKeepAlive=false"), props("tcpKeepAlive", "false"), null);
        assertEquals("false", userChoice.getProperty("tcpKeepAlive"), "the user's keepalive choice stands");
    }

    @Test
    void keepaliveLeftToTheDriver_stillRefusesTheUsersOwnSocketFactory_sayingWhy() {
        var e = assertThrows(IllegalArgumentException.class, () -> DriverKind.MARIADB.prepare(
                JdbcUrl.parse("jdbc:mariadb://db/app"), props("socketFactory", "com.example.Socks"), null));
        assertEquals("socketFactory (com.example.Socks) is already set in the connection properties for "
                + "jdbc:mariadb://db/app; jdbc-liveness needs socketFactory="
                + MariaDbKeepaliveSocketFactory.class.getName() + " to see each connection's socket (in-flight "
                + "watchdog, borrow-time close check) on MariaDB Connector/J: it cannot chain another socket factory, "
                + "remove yours", e.getMessage());
    }

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void connectTimeout_pgjdbcAlsoGetsALoginTimeout_andTheUsersOwnValuesWin() {
        java.util.Properties pg = new java.util.Properties();
        DriverKind.PGJDBC.connectTimeout(JdbcUrl.parse("jdbc:postgresql://db/app"), pg,
                java.time.Duration.ofSeconds(2));
        org.junit.jupiter.api.Assertions.assertEquals("2", pg.getProperty("connectTimeout"));
        org.junit.jupiter.api.Assertions.assertEquals("2", pg.getProperty("loginTimeout"),
                "pgjdbc's connectTimeout bounds only the TCP connect; a hung server would hold the login forever");

        java.util.Properties own = new java.util.Properties();
        own.setProperty("LOGINTIMEOUT", "30");
        DriverKind.PGJDBC.connectTimeout(JdbcUrl.parse("jdbc:postgresql://db/app?connectTimeout=7"), own,
                java.time.Duration.ofSeconds(2));
        org.junit.jupiter.api.Assertions.assertNull(own.getProperty("connectTimeout"), "the URL's value wins");
        org.junit.jupiter.api.Assertions.assertNull(own.getProperty("loginTimeout"));
        org.junit.jupiter.api.Assertions.assertEquals("30", own.getProperty("LOGINTIMEOUT"));

        java.util.Properties my = new java.util.Properties();
        DriverKind.CONNECTOR_J.connectTimeout(JdbcUrl.parse("jdbc:mysql://db/app"), my,
                java.time.Duration.ofSeconds(2));
        org.junit.jupiter.api.Assertions.assertEquals("2000", my.getProperty("connectTimeout"));
        org.junit.jupiter.api.Assertions.assertNull(my.getProperty("loginTimeout"));
    }
}
