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
        assertEquals("jdbc:mariadb://db/app", JdbcUrls.redact("jdbc:mariadb://db/app"));
        assertEquals("null", JdbcUrls.redact(null));
    }

    @Test
    void parameters_areDecodedWithLowerCaseKeys() {
        assertEquals(Map.of("sslmode", "require", "applicationname", "a b", "flag", ""),
                JdbcUrls.parameters("jdbc:postgresql://db/app?sslmode=require&ApplicationName=a%20b&flag"));
        assertEquals(Map.of(), JdbcUrls.parameters("jdbc:postgresql://db/app"));
    }
}
