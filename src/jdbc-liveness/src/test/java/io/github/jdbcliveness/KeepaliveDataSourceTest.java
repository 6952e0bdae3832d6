package io.github.jdbcliveness;

import static io.github.jdbcliveness.KeepaliveSettingsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.zaxxer.hikari.HikariConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepaliveDataSourceTest {

    private static final KeepaliveSettings K = KeepaliveSettings.forBudget(Duration.ofSeconds(6));

    @Test
    void install_setsItselfAsHikarisDataSource() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://db/app");
        KeepaliveDataSource ds = KeepaliveDataSource.install(config, K);
        assertSame(ds, config.getDataSource());
        assertEquals("pgjdbc", ds.driverName());
        assertEquals(K, ds.settings());
        assertEquals(0, ds.summary().connections());
    }

    @Test
    void install_withoutJdbcUrl_isRefused() {
        assertMessage("HikariConfig.jdbcUrl is not set", () -> KeepaliveDataSource.install(new HikariConfig(), K));
    }

    @Test
    void install_overAnotherDataSourceClassName_isRefusedByName() {
        HikariConfig config = new HikariConfig();
        config.setDataSourceClassName("org.postgresql.ds.PGSimpleDataSource");
        assertMessage("HikariConfig.dataSourceClassName (org.postgresql.ds.PGSimpleDataSource) is set; jdbc-liveness "
                + "needs the jdbcUrl form to install its socket factory", () -> KeepaliveDataSource.install(config, K));
    }

    @Test
    void install_withConflictingDataSourceProperty_isRefused() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://db/app");
        config.addDataSourceProperty("socketFactory", "com.example.Mine");
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> KeepaliveDataSource.install(config, K));
        assertEquals(true, e.getMessage().startsWith("socketFactory (com.example.Mine) is already set"), e.getMessage());
    }
}
