package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.keepalive.JdbcUrl.HostPort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcUrlTest {

    @Test
    void parse_readsKindHostsParametersAndRedactedForm_once() {
        JdbcUrl u = JdbcUrl.parse("jdbc:postgresql://app:s3cret@db:6432/app?password=s3cret&ApplicationName=a%20b");
        assertEquals(DriverKind.PGJDBC, u.kind());
        assertEquals(List.of(new HostPort("db", 6432)), u.hosts());
        assertEquals(Map.of("password", "s3cret", "applicationname", "a b"), u.parameters());
        assertTrue(u.hasParameter("applicationName"));
        assertFalse(u.hasParameter("connectTimeout"));
        assertEquals("jdbc:postgresql://db:6432/app", u.redacted());
    }

    @Test
    void onlyHost_keepsUserInfoPathAndParameters_dropsTheOtherHostsAndAMySqlMode() {
        JdbcUrl pg = JdbcUrl.parse("jdbc:postgresql://app:pw@a:5432,[::1]:5433/db?targetServerType=primary");
        assertEquals("jdbc:postgresql://app:pw@[::1]:5433/db?targetServerType=primary",
                pg.onlyHost(new HostPort("::1", 5433)).text());
        assertEquals(List.of(new HostPort("a", 5432)), pg.onlyHost(new HostPort("a", 5432)).hosts());
        assertEquals("jdbc:mysql://b:3306/db",
                JdbcUrl.parse("jdbc:mysql:replication://a,b/db").onlyHost(new HostPort("b", 3306)).text());
        assertEquals("jdbc:mariadb://a:3307?user=x",
                JdbcUrl.parse("jdbc:mariadb:sequential://a:3307,b:3308?user=x").onlyHost(new HostPort("a", 3307))
                        .text());
        assertThrows(IllegalArgumentException.class, () -> pg.onlyHost(new HostPort("c", 5432)));
    }

    @Test
    void toString_isTheRedactedForm_neverThePassword() {
        JdbcUrl u = JdbcUrl.parse("jdbc:mysql://app:hunter2@db/app?password=hunter2");
        assertEquals("jdbc:mysql://db/app", u.toString());
        assertFalse(u.toString().contains("hunter2"));
    }

    @Test
    void kind_isTheDriverTheSubprotocolNames_matchedAsTheDriversMatchIt() {
        assertEquals(DriverKind.PGJDBC, JdbcUrl.parse("jdbc:postgresql:app").kind());
        assertEquals(DriverKind.CONNECTOR_J, JdbcUrl.parse("jdbc:mysql://db/app").kind());
        assertEquals(DriverKind.CONNECTOR_J, JdbcUrl.parse("jdbc:mysql+srv://cluster/app").kind());
        assertEquals(DriverKind.MARIADB, JdbcUrl.parse("jdbc:mariadb://db/app").kind());
        assertNull(JdbcUrl.parse("jdbc:oracle:thin:scott/tiger@host:1521/db").kind());
        assertNull(JdbcUrl.parse("JDBC:POSTGRESQL://db/app").kind(), "pgjdbc does not accept it either");
    }

    @Test
    void hosts_getTheKindsDefaultPort_andKeepTheirOrder() {
        assertEquals(List.of(new HostPort("h1", 5432), new HostPort("h2", 5433)),
                JdbcUrl.parse("jdbc:postgresql://h1,h2:5433/app").hosts());
        assertEquals(List.of(new HostPort("db", 3306)), JdbcUrl.parse("jdbc:mariadb://db/app").hosts());
        assertEquals(List.of(new HostPort("::1", 5432)), JdbcUrl.parse("jdbc:postgresql://[::1]/app").hosts());
        assertEquals("[::1]:5433", JdbcUrl.parse("jdbc:postgresql://[::1]:5433").hosts().get(0).toString());
        assertEquals(List.of(new HostPort("db", -1)), JdbcUrl.parse("jdbc:x://db/app").hosts(), "no known default");
    }

    @Test
    void hosts_areEmpty_whenTheUrlNamesNone_orInAFormNotReadHere() {
        assertEquals(List.of(), JdbcUrl.parse("jdbc:postgresql:app").hosts());
        assertEquals(List.of(), JdbcUrl.parse("jdbc:postgresql:///app").hosts());
        assertEquals(List.of(), JdbcUrl.parse("jdbc:mysql://address=(host=h)(port=3306)/db").hosts());
        assertEquals(List.of(), JdbcUrl.parse("jdbc:mysql://(host=h,password=x)/db").hosts());
        assertEquals(List.of(), JdbcUrl.parse("jdbc:mysql://user:12/34@host/db").hosts(),
                "user info holding a '/' is not a host and port");
        assertEquals(List.of(), JdbcUrl.parse("jdbc:postgresql://db:port/app").hosts());
        assertEquals(List.of(), JdbcUrl.parse("jdbc:postgresql://db:70000/app").hosts());
        assertEquals(List.of(), JdbcUrl.parse("jdbc:sqlserver://db:1433;password=s3cret").hosts());
    }

    @Test
    void parse_ofNull_namesTheSetting() {
        var e = assertThrows(NullPointerException.class, () -> JdbcUrl.parse(null));
        assertEquals("jdbcUrl", e.getMessage());
    }
}
