package io.github.jdbcliveness.inflight;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcNetTcpTest {

    @Test
    void parse_readsPortsQueuesTimerAndRetransmits() {
        // A request stuck unacknowledged: 0x1c bytes in tx_queue, retransmit timer (01), 3 retransmissions.
        ProcNetTcp.Entry e = ProcNetTcp.parse("   5: 0100007F:C5A2 0100007F:1538 01 0000001C:00000000 01:0000003A "
                + "00000003     0        0 123456 2 0000000000000000 20 4 30 10 -1");
        assertEquals(0xC5A2, e.localPort());
        assertEquals(5432, e.remotePort());
        assertEquals(ProcNetTcp.ESTABLISHED, e.state());
        assertEquals(28, e.txQueue());
        assertEquals(ProcNetTcp.TIMER_RETRANSMIT, e.timer());
        assertEquals(0x3A, e.timerTicks());
        assertEquals(3, e.retransmits());
        assertEquals(123456, e.inode());
    }

    @Test
    void parse_readsIpv6Lines() {
        ProcNetTcp.Entry e = ProcNetTcp.parse("   0: 00000000000000000000000001000000:D431 "
                + "00000000000000000000000001000000:0CEA 01 00000000:00000000 02:000000C8 00000000     0        0 "
                + "777 1 0000000000000000 20 4 0 10 -1");
        assertEquals(0xD431, e.localPort());
        assertEquals(3306, e.remotePort());
        assertEquals(ProcNetTcp.TIMER_KEEPALIVE, e.timer());
        assertEquals(200, e.timerTicks());
    }
}
