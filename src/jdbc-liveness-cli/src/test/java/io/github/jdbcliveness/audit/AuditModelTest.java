package io.github.jdbcliveness.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.audit.Cell.Verdict;
import io.github.jdbcliveness.audit.Mode.State;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AuditModelTest {

    static final String PG_URL = "jdbc:postgresql://db:5432/app";

    static ServerSettings pgDefaults() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("tcp_keepalives_idle", "7200");
        v.put("tcp_keepalives_interval", "75");
        v.put("tcp_keepalives_count", "9");
        v.put("tcp_user_timeout", "0");
        v.put("client_connection_check_interval", "0");
        v.put("idle_session_timeout", "0");
        v.put("idle_in_transaction_session_timeout", "0");
        return new ServerSettings(ServerSettings.Kind.POSTGRESQL, "14.22", v);
    }

    static AuditInputs inputs(LivenessConfig config, PoolSettings pool, ServerSettings server, boolean watchdog) {
        return new AuditInputs("jdbc:postgresql://db:5432/app", config, config.middleboxIdleTimeout(), pool, server,
                Optional.empty(), KernelDefaults.LINUX, watchdog, Optional.empty());
    }

    static AuditTable predict(LivenessConfig config, PoolSettings pool) {
        return AuditModel.predict(inputs(config, pool, pgDefaults(), true));
    }

    static LivenessConfig budget(int seconds) {
        return LivenessConfig.builder().detectionBudget(Duration.ofSeconds(seconds)).build();
    }

    @Test
    void kernelRetransmission_withRetries2Of15_isAbout924Seconds() {
        assertEquals(Duration.ofMillis(924_600), KernelDefaults.LINUX.retransmissionTimeout());
        assertEquals(Duration.ofSeconds(7875), KernelDefaults.LINUX.keepaliveDetection());
    }

    @Test
    void derivedSettings_keepEveryLivenessCellWithinBudget_andTheGatePasses() {
        AuditTable t = predict(budget(30), PoolSettings.defaults(PG_URL));
        for (Row r : t.rows()) {
            assertTrue(!r.liveness().verdict().misses(), r.mode() + "/" + r.state() + ": " + r.liveness());
            r.liveness().after().ifPresent(a -> assertTrue(a.compareTo(Duration.ofSeconds(30)) <= 0, r.toString()));
        }
        assertEquals(0, t.exitCode());
        // heartbeat 10 s + probe timeout 5 s beats keepalive 10 + 3 × 3 = 19 s
        assertEquals(Optional.of(Duration.ofSeconds(15)), t.row(Mode.DEAD_ROUTE, State.IDLE).liveness().after());
        assertEquals(Optional.of(Duration.ofSeconds(19)), t.row(Mode.DEAD_ROUTE, State.AWAITING).liveness().after());
        assertEquals(Optional.of(Duration.ofSeconds(10)),
                t.row(Mode.DEAD_PATH_REQUEST, State.UNACKNOWLEDGED).liveness().after());
        assertEquals(Verdict.NEVER_RIGHT, t.row(Mode.LONG_QUERY, State.AWAITING).liveness().verdict());
    }

    @Test
    void plainHikari_withDefaults_missesTheBudget_andNamesTheLivenessFix() {
        AuditTable t = predict(budget(30), PoolSettings.defaults(PG_URL));
        Cell idle = t.row(Mode.DEAD_ROUTE, State.IDLE).plain();
        assertEquals(Optional.of(Duration.ofSeconds(125)), idle.after());
        assertEquals(Verdict.OVER, idle.verdict());
        assertTrue(idle.fix().orElseThrow().contains("heartbeatInterval 10 s + probeTimeout 5 s"), idle.fix().get());
        Cell awaiting = t.row(Mode.DEAD_ROUTE, State.AWAITING).plain();
        assertEquals(Optional.empty(), awaiting.after(), "pgjdbc has no SO_KEEPALIVE by default: never");
        assertEquals(Verdict.OVER, awaiting.verdict());
        assertEquals(Optional.of(Duration.ofMillis(924_600)),
                t.row(Mode.DEAD_PATH_REQUEST, State.UNACKNOWLEDGED).plain().after());
    }

    @Test
    void plainHikari_withTcpKeepAlive_getsTheKernelDefaults() {
        Properties p = new Properties();
        p.setProperty("dataSource.tcpKeepAlive", "true");
        p.setProperty("keepaliveTime", "0");
        AuditTable t = predict(budget(30), PoolSettings.from(p, PG_URL, "test"));
        assertEquals(Optional.of(Duration.ofSeconds(7875)), t.row(Mode.DEAD_ROUTE, State.AWAITING).plain().after());
        assertEquals("2 h 11 min !", AuditText.shortly(t.row(Mode.DEAD_ROUTE, State.AWAITING).plain()));
        // keepaliveTime 0: HikariCP's check is off, so the idle connection goes at maxLifetime
        assertEquals(Optional.of(Duration.ofMinutes(30)), t.row(Mode.HUNG_SERVER, State.IDLE).plain().after());
    }

    @Test
    void socketTimeout_abortsALongQuery_andFailsTheGate() {
        Properties p = new Properties();
        p.setProperty("dataSource.socketTimeout", "20");
        AuditTable t = predict(budget(30), PoolSettings.from(p, PG_URL, "test"));
        Cell longQuery = t.row(Mode.LONG_QUERY, State.AWAITING).liveness();
        assertEquals(Verdict.WRONGLY_ABORTED, longQuery.verdict());
        assertEquals(Optional.of(Duration.ofSeconds(20)), longQuery.after());
        assertEquals(AuditTable.EXIT_LIVENESS_MISSES, t.exitCode());
        assertEquals(1, t.livenessMisses().size());
    }

    @Test
    void withoutTheWatchdog_aRequestIntoADeadPath_waitsForTheKernel_andFailsTheGate() {
        AuditTable t = AuditModel.predict(inputs(budget(30), PoolSettings.defaults(PG_URL), pgDefaults(), false));
        Cell c = t.row(Mode.DEAD_PATH_REQUEST, State.UNACKNOWLEDGED).liveness();
        assertEquals(Verdict.OVER, c.verdict());
        assertEquals(Optional.of(Duration.ofMillis(924_600)), c.after());
        assertTrue(c.fix().orElseThrow().contains("in-flight watchdog"), c.fix().get());
        assertEquals(Verdict.OVER, t.row(Mode.HUNG_SERVER, State.AWAITING).liveness().verdict(),
                "no host verdict for requests in flight without the watchdog's look");
        assertEquals(AuditTable.EXIT_LIVENESS_MISSES, t.exitCode());
    }

    @Test
    void middlebox_keepsIdleFlowsAlive_whenHeartbeatAndKeepaliveAreBelowIt() {
        LivenessConfig c = LivenessConfig.builder().detectionBudget(Duration.ofSeconds(30))
                .middleboxIdleTimeout(Duration.ofSeconds(350)).build();
        Properties p = new Properties();
        p.setProperty("keepaliveTime", "600000");
        p.setProperty("maxLifetime", "1800000");
        AuditTable t = predict(c, PoolSettings.from(p, PG_URL, "test"));
        assertEquals(Verdict.PREVENTED, t.row(Mode.NAT_EVICTION, State.IDLE).liveness().verdict());
        assertEquals(Verdict.PREVENTED, t.row(Mode.NAT_EVICTION, State.AWAITING).liveness().verdict());
        // HikariCP's keepaliveTime 10 min is above 350 s: its idle flows are evicted, found at the next check
        assertEquals(Optional.of(Duration.ofSeconds(605)), t.row(Mode.NAT_EVICTION, State.IDLE).plain().after());
    }

    @Test
    void serverDefaults_missTheBudget_andTheFixCarriesTheScaledNumbers() {
        AuditTable t = predict(budget(30), PoolSettings.defaults(PG_URL));
        Cell idle = t.row(Mode.DEAD_ROUTE, State.IDLE).server();
        assertEquals(Optional.of(Duration.ofSeconds(7875)), idle.after());
        assertEquals("sql/postgresql/server-half.sql with budget 30: tcp_keepalives_idle = 10, "
                + "tcp_keepalives_interval = 3, tcp_keepalives_count = 3, tcp_user_timeout = 19000 (ms: idle + count × interval, since on Linux it also replaces the keepalive count), "
                + "client_connection_check_interval = 10000 (ms)", idle.fix().orElseThrow());
        assertEquals(Optional.empty(), t.row(Mode.DEAD_ROUTE, State.AWAITING).server().after());
        assertEquals(0, t.exitCode(), "the server's half does not fail the client's gate");
    }

    @Test
    void serverHalfApplied_bringsTheServerWithinBudget() {
        Map<String, String> v = new LinkedHashMap<>(pgDefaults().values());
        v.put("tcp_keepalives_idle", "10");
        v.put("tcp_keepalives_interval", "3");
        v.put("tcp_keepalives_count", "3");
        v.put("tcp_user_timeout", "30000");
        v.put("client_connection_check_interval", "10000");
        ServerSettings s = new ServerSettings(ServerSettings.Kind.POSTGRESQL, "16", v);
        AuditTable t = AuditModel.predict(inputs(budget(30), PoolSettings.defaults(PG_URL), s, true));
        assertEquals(Optional.of(Duration.ofSeconds(19)), t.row(Mode.DEAD_ROUTE, State.IDLE).server().after());
        assertEquals(Optional.of(Duration.ofSeconds(29)), t.row(Mode.DEAD_ROUTE, State.AWAITING).server().after());
        assertEquals(Verdict.WITHIN, t.row(Mode.DEAD_ROUTE, State.AWAITING).server().verdict());
    }

    @Test
    void mysqlServer_hasNoKeepaliveVariables_andTheFixSaysSo() {
        Map<String, String> v = Map.of("wait_timeout", "28800", "interactive_timeout", "28800",
                "net_read_timeout", "30", "net_write_timeout", "60");
        ServerSettings s = new ServerSettings(ServerSettings.Kind.MYSQL, "8.4", v);
        AuditTable t = AuditModel.predict(new AuditInputs("jdbc:mysql://db/app", budget(30), Optional.empty(),
                PoolSettings.defaults("jdbc:mysql://db/app"), s, Optional.empty(), KernelDefaults.LINUX, true,
                Optional.empty()));
        Cell idle = t.row(Mode.DEAD_ROUTE, State.IDLE).server();
        assertEquals(Optional.of(Duration.ofSeconds(7875)), idle.after());
        assertTrue(idle.fix().orElseThrow().contains("MySQL has no tcp_keepalive_* variables"), idle.fix().get());
        // Connector/J turns SO_KEEPALIVE on with the kernel's defaults
        assertEquals(Optional.of(Duration.ofSeconds(7875)), t.row(Mode.DEAD_ROUTE, State.AWAITING).plain().after());
    }

    @Test
    void json_escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", AuditJson.quote("a\"b\\c\nd\u0001"));
        String json = AuditJson.format(predict(budget(30), PoolSettings.defaults(PG_URL)));
        assertTrue(json.startsWith("{\"target\":\"jdbc:postgresql://db:5432/app\""), json);
        assertTrue(json.contains("\"mode\":\"long-query\""), json);
        assertTrue(json.trim().endsWith("\"liveness_misses\":0,\"exit\":0}"), json);
    }

    @Test
    void failover_withTheRoleInTheUrl_isNoticedByTheNextProbe_plainHikariWaitsForMaxLifetime() {
        AuditTable t = predict(budget(30), PoolSettings.defaults(PG_URL + "?targetServerType=primary"));
        Row r = t.row(Mode.FAILOVER, State.IDLE);
        assertEquals(Optional.of(Duration.ofSeconds(15)), r.liveness().after(), r.toString());
        assertEquals(Verdict.WITHIN, r.liveness().verdict());
        assertTrue(r.liveness().how().contains("primary (pgjdbc targetServerType=primary)"), r.liveness().how());
        assertEquals(Optional.of(Duration.ofMinutes(30)), r.plain().after());
        assertEquals(Verdict.OVER, r.plain().verdict());
        assertTrue(r.plain().fix().orElseThrow().contains("targetServerType=primary"), r.plain().fix().get());
    }

    @Test
    void failover_withoutARole_doesNotFailTheGate_butSaysWhatToSet() {
        AuditTable t = predict(budget(30), PoolSettings.defaults(PG_URL));
        Cell c = t.row(Mode.FAILOVER, State.IDLE).liveness();
        assertEquals(Verdict.NOT_APPLICABLE, c.verdict());
        assertTrue(c.how().contains("until maxLifetime 30 min") && c.how().contains("requiredRole=primary"), c.how());
        assertEquals(Verdict.WITHIN, predict(LivenessConfig.builder().detectionBudget(Duration.ofSeconds(30))
                .requiredRole(io.github.jdbcliveness.ServerRole.PRIMARY).build(), PoolSettings.defaults(PG_URL))
                .row(Mode.FAILOVER, State.IDLE).liveness().verdict());
    }
}
