package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class NftRulesTest {

    @Test
    void blackhole_dropsBothDirectionsOnArrival_andRemoteBoundPacketsOnOutput() {
        assertEquals("add rule inet t input tcp dport 5432 drop\n"
                + "add rule inet t output tcp dport 5432 fib daddr type != local drop\n"
                + "add rule inet t input tcp sport 5432 drop\n",
                NftRules.drop("t", 5432, NftRules.Direction.BOTH));
    }

    @Test
    void oneWay_dropsOnlyThatDirection() {
        assertEquals("add rule inet t input tcp dport 3306 drop\n"
                + "add rule inet t output tcp dport 3306 fib daddr type != local drop\n",
                NftRules.drop("t", 3306, NftRules.Direction.TO_SERVER));
        assertEquals("add rule inet t input tcp sport 3306 drop\n",
                NftRules.drop("t", 3306, NftRules.Direction.FROM_SERVER));
    }

    @Test
    void dropFlows_matchesOnlyTheGivenClientPorts() {
        assertEquals("add rule inet t input tcp dport 5432 tcp sport { 40001, 40002 } drop\n"
                + "add rule inet t output tcp dport 5432 tcp sport { 40001, 40002 } fib daddr type != local drop\n"
                + "add rule inet t input tcp sport 5432 tcp dport { 40001, 40002 } drop\n",
                NftRules.dropFlows("t", 5432, List.of(40001, 40002)));
    }

    @Test
    void dropNewConnections_matchesOnlyTheClientsSyn() {
        assertEquals("add rule inet t input tcp dport 5432 tcp flags & (syn | ack) == syn drop\n"
                + "add rule inet t output tcp dport 5432 tcp flags & (syn | ack) == syn fib daddr type != local drop\n",
                NftRules.dropNewConnections("t", 5432));
    }

    @Test
    void dropFlows_withoutPorts_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> NftRules.dropFlows("t", 5432, List.of()));
    }

    @Test
    void reset_rejectsClientPacketsWithTcpReset() {
        assertEquals("add rule inet t input tcp dport 5432 reject with tcp reset\n"
                + "add rule inet t output tcp dport 5432 fib daddr type != local reject with tcp reset\n",
                NftRules.reset("t", 5432));
    }

    @Test
    void table_hasOneOutputAndOneInputChain_andIsDeletedWhole() {
        assertEquals("create table inet t\n"
                + "add chain inet t output { type filter hook output priority -10; policy accept; }\n"
                + "add chain inet t input { type filter hook input priority -10; policy accept; }\n",
                NftRules.createTable("t"));
        assertEquals("delete table inet t\n", NftRules.deleteTable("t"));
        assertEquals("flush chain inet t output\nflush chain inet t input\n", NftRules.flush("t"));
    }

    @Test
    void portOutOfRange_isRefusedWithTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> NftRules.reset("t", 70000));
        assertEquals("port (70000) must be between 1 and 65535", e.getMessage());
    }
}
