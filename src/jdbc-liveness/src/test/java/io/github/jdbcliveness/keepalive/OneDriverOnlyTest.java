package io.github.jdbcliveness.keepalive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * A user brings one driver, not three. With only pgjdbc (and HikariCP, SLF4J) on the class path, the keepalive
 * layer must load and prepare a pgjdbc connection: nothing may touch the other drivers' classes. (Our MySQL
 * factory extends Connector/J's own class; naming it by a class literal once made every pgjdbc user fail with
 * NoClassDefFoundError.)
 */
class OneDriverOnlyTest {

    private static URL jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }

    @Test
    void withPgjdbcAlone_driverKindsLoad_andAPgjdbcUrlIsPrepared() throws Exception {
        URL[] path = {jarOf(DriverKind.class), jarOf(org.postgresql.Driver.class), jarOf(org.slf4j.Logger.class),
                jarOf(com.zaxxer.hikari.HikariConfig.class)};
        try (URLClassLoader onlyPgjdbc = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
            Class<?> kinds = Class.forName(DriverKind.class.getName(), true, onlyPgjdbc);
            assertEquals(3, ((Object[]) kinds.getMethod("values").invoke(null)).length);

            Class<?> connector = Class.forName(KeepaliveConnector.class.getName(), true, onlyPgjdbc);
            Class<?> settings = Class.forName("io.github.jdbcliveness.KeepaliveSettings", true, onlyPgjdbc);
            Object keepalive = settings.getMethod("forBudget", java.time.Duration.class)
                    .invoke(null, java.time.Duration.ofSeconds(30));
            Object created = connector.getMethod("create", String.class, Properties.class, String.class, settings)
                    .invoke(null, "jdbc:postgresql://127.0.0.1:1/none", new Properties(), "org.postgresql.Driver",
                            keepalive);
            assertEquals("pgjdbc", connector.getMethod("driverName").invoke(created));
        }
    }
}
