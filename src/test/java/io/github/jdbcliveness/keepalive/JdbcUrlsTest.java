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
    void parameters_areDecodedWithLowerCaseKeys() {
        assertEquals(Map.of("sslmode", "require", "applicationname", "a b", "flag", ""),
                JdbcUrls.parameters("jdbc:postgresql://db/app?sslmode=require&ApplicationName=a%20b&flag"));
        assertEquals(Map.of(), JdbcUrls.parameters("jdbc:postgresql://db/app"));
        assertEquals(Map.of("password", "se;tcpKeepAlive=cret"),
                JdbcUrls.parameters("jdbc:postgresql://db/app?password=se;tcpKeepAlive=cret"));
    }
}
