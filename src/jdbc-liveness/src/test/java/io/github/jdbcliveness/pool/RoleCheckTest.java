package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.jdbcliveness.ServerRole;
import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The role a pool needs comes from the driver's own setting, in the URL or in the properties passed on. */
class RoleCheckTest {

    private static RoleCheck of(String url, Properties props) {
        return RoleCheck.of(KeepaliveConnector.create(url, props, null, null, null), Optional.empty());
    }

    private static RoleCheck of(String url, ServerRole configured) {
        return RoleCheck.of(KeepaliveConnector.create(url, new Properties(), null, null, null),
                Optional.of(configured));
    }

    @Test
    void pgjdbcTargetServerType_inTheUrl_namesTheRole() {
        assertEquals(ServerRole.PRIMARY,
                of("jdbc:postgresql://a,b/app?targetServerType=primary", new Properties()).role());
        assertEquals(ServerRole.PRIMARY,
                of("jdbc:postgresql://a,b/app?targetServerType=master", new Properties()).role());
        assertEquals(ServerRole.STANDBY,
                of("jdbc:postgresql://a,b/app?targetservertype=Secondary", new Properties()).role());
        assertEquals("primary (pgjdbc targetServerType=primary)",
                of("jdbc:postgresql://a,b/app?targetServerType=primary", new Properties()).describe());
    }

    @Test
    void preferencesAndAny_andNoSetting_checkNothing() {
        for (String v : new String[] {"any", "preferPrimary", "preferSecondary"}) {
            assertEquals(ServerRole.ANY, of("jdbc:postgresql://a/app?targetServerType=" + v, new Properties())
                    .role(), v);
        }
        RoleCheck none = of("jdbc:postgresql://a/app", new Properties());
        assertEquals(ServerRole.ANY, none.role());
        assertNull(none.describe());
    }

    @Test
    void dataSourceProperties_nameTheRole_butTheUrlWins_asPgjdbcReadsThem() {
        Properties p = new Properties();
        p.setProperty("targetServerType", "secondary");
        assertEquals(ServerRole.STANDBY, of("jdbc:postgresql://a/app", p).role());
        assertEquals(ServerRole.PRIMARY, of("jdbc:postgresql://a/app?targetServerType=primary", p).role());
    }

    @Test
    void otherDrivers_checkNothing() {
        assertEquals(ServerRole.ANY, of("jdbc:mysql://a/app", new Properties()).role());
    }

    @Test
    void requiredRole_setsTheRole_forEveryDriverWeSee_andAgreesWithTheDriversSetting() {
        assertEquals(ServerRole.PRIMARY, of("jdbc:mysql://a/app", ServerRole.PRIMARY).role());
        assertEquals(ServerRole.STANDBY, of("jdbc:mariadb://a/app", ServerRole.STANDBY).role());
        assertEquals("primary (requiredRole primary)",
                of("jdbc:postgresql://a/app?targetServerType=primary", ServerRole.PRIMARY).describe());
        assertEquals(ServerRole.ANY, of("jdbc:postgresql://a/app?targetServerType=primary", ServerRole.ANY).role(),
                "any, set, switches the driver's role off for the check");
    }

    @Test
    void requiredRole_contradictingTheDriversSetting_failsTheStart_namingBoth() {
        assertEquals("requiredRole (standby) contradicts the driver's pgjdbc targetServerType=primary: set one of them",
                assertThrows(IllegalArgumentException.class,
                        () -> of("jdbc:postgresql://a/app?targetServerType=primary", ServerRole.STANDBY))
                        .getMessage());
    }

    @Test
    void requiredRole_onADriverWhoseRoleWeCannotRead_failsTheStart_namingTheDriver() {
        StubServer server = StubServer.start();
        String message = assertThrows(IllegalArgumentException.class, () -> RoleCheck.of(KeepaliveConnector.create(
                server.url(), new Properties(), StubServer.StubDriver.class.getName(), null, null),
                Optional.of(ServerRole.PRIMARY))).getMessage();
        assertEquals("requiredRole (primary) needs a driver whose server role jdbc-liveness reads (pgjdbc, MySQL "
                + "Connector/J and MariaDB Connector/J); the driver is " + StubServer.StubDriver.class.getName(),
                message);
    }
}
