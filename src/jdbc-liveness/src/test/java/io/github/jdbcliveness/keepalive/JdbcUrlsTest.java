package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void redact_dropsUserInfoAndParameters() {
        assertEquals("jdbc:postgresql://db:5432/app",
                JdbcUrls.redact("jdbc:postgresql://app:s3cret@db:5432/app?password=s3cret&ssl=true"));
        assertEquals("jdbc:mysql://db/app", JdbcUrls.redact("jdbc:mysql://db/app;password=x"));
        assertEquals("jdbc:mysql://host/db", JdbcUrls.redact("jdbc:mysql://user:pa;ss@host/db"));
        assertEquals("jdbc:mysql://***/db", JdbcUrls.redact("jdbc:mysql://(host=h,user=u,password=secret)/db"));
        assertEquals("jdbc:mysql://***/db", JdbcUrls.redact("jdbc:mysql://address=(host=h)(password=secret)/db"));
        assertEquals("jdbc:postgresql://[::1]:5432/app", JdbcUrls.redact("jdbc:postgresql://[::1]:5432/app?x=1"));
        assertEquals("jdbc:postgresql://h1:5432,h2:5433/app", JdbcUrls.redact("jdbc:postgresql://h1:5432,h2:5433/app"));
        assertEquals("jdbc:mariadb://db/app", JdbcUrls.redact("jdbc:mariadb://db/app"));
        assertEquals("null", JdbcUrls.redact(null));
    }

    @Test
    void redact_withoutSchemeSlashes_keepsTheSubprotocolOnlyWhenTheRestCouldCarryCredentials() {
        assertEquals("jdbc:oracle:thin:***", JdbcUrls.redact("jdbc:oracle:thin:scott/tiger@host:1521/db"));
        assertEquals("jdbc:oracle:thin:***", JdbcUrls.redact("jdbc:oracle:thin:scott/tiger@//host/db"));
        assertEquals("jdbc:oracle:thin:***", JdbcUrls.redact("jdbc:oracle:thin:scott:tiger@host:1521:orcl"));
        assertEquals("jdbc:h2:mem:***", JdbcUrls.redact("jdbc:h2:mem:test;USER=sa;PASSWORD=s3cret"));
        assertEquals("jdbc:derby:***", JdbcUrls.redact("jdbc:derby:(user=u,password=s3cret)"));
        assertEquals("jdbc:postgresql:***", JdbcUrls.redact("jdbc:postgresql:app?user=u&password=s3cret"));
        assertEquals("***", JdbcUrls.redact("scott/tiger@host"));
        assertEquals("jdbc:foo:bar", JdbcUrls.redact("jdbc:foo:bar"));
        assertEquals("jdbc:sqlite:/var/data/app.db", JdbcUrls.redact("jdbc:sqlite:/var/data/app.db"));
    }

    @Test
    void redact_sqlServerProperties_neverLeakAPasswordOrItsTail() {
        assertEquals("jdbc:sqlserver://db:1433",
                JdbcUrls.redact("jdbc:sqlserver://db:1433;databaseName=app;user=sa;password=s3cret"));
        assertEquals("jdbc:sqlserver://db", JdbcUrls.redact("jdbc:sqlserver://db;password=p@ssTail"));
        assertEquals("jdbc:sqlserver://db", JdbcUrls.redact("jdbc:sqlserver://db;password=pa/ssTail"));
        assertEquals("jdbc:sqlserver://", JdbcUrls.redact("jdbc:sqlserver://;serverName=db;password=s3cret"));
        assertEquals("jdbc:mysql://***", JdbcUrls.redact("jdbc:mysql://user:pa/ssTail@host/db"));
    }

    @Test
    void parameters_areDecodedWithLowerCaseKeys() {
        assertEquals(Map.of("sslmode", "require", "applicationname", "a b", "flag", ""),
                JdbcUrls.parameters("jdbc:postgresql://db/app?sslmode=require&ApplicationName=a%20b&flag"));
        assertEquals(Map.of(), JdbcUrls.parameters("jdbc:postgresql://db/app"));
        assertEquals(Map.of("password", "se;tcpKeepAlive=cret"),
                JdbcUrls.parameters("jdbc:postgresql://db/app?password=se;tcpKeepAlive=cret"));
    }
}
