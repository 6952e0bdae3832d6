package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The role a pool needs comes from the driver's own setting, in the URL or in the properties passed on. */
class RoleCheckTest {

    private static RoleCheck of(String url, Properties props) {
        return RoleCheck.of(KeepaliveConnector.create(url, props, null, null, null));
    }

    @Test
    void pgjdbcTargetServerType_inTheUrl_namesTheRole() {
        assertEquals(RoleCheck.Role.PRIMARY,
                of("jdbc:postgresql://a,b/app?targetServerType=primary", new Properties()).role());
        assertEquals(RoleCheck.Role.PRIMARY,
                of("jdbc:postgresql://a,b/app?targetServerType=master", new Properties()).role());
        assertEquals(RoleCheck.Role.STANDBY,
                of("jdbc:postgresql://a,b/app?targetservertype=Secondary", new Properties()).role());
        assertEquals("primary (pgjdbc targetServerType=primary)",
                of("jdbc:postgresql://a,b/app?targetServerType=primary", new Properties()).describe());
    }

    @Test
    void preferencesAndAny_andNoSetting_checkNothing() {
        for (String v : new String[] {"any", "preferPrimary", "preferSecondary"}) {
            assertEquals(RoleCheck.Role.ANY, of("jdbc:postgresql://a/app?targetServerType=" + v, new Properties())
                    .role(), v);
        }
        RoleCheck none = of("jdbc:postgresql://a/app", new Properties());
        assertEquals(RoleCheck.Role.ANY, none.role());
        assertNull(none.describe());
    }

    @Test
    void dataSourceProperties_nameTheRole_butTheUrlWins_asPgjdbcReadsThem() {
        Properties p = new Properties();
        p.setProperty("targetServerType", "secondary");
        assertEquals(RoleCheck.Role.STANDBY, of("jdbc:postgresql://a/app", p).role());
        assertEquals(RoleCheck.Role.PRIMARY, of("jdbc:postgresql://a/app?targetServerType=primary", p).role());
    }

    @Test
    void otherDrivers_checkNothing() {
        assertEquals(RoleCheck.Role.ANY, of("jdbc:mysql://a/app", new Properties()).role());
    }
}
