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
        assertEquals(20, e.rtoTicks(), "160 ms after three doublings: base 20 ms, 2.5 ticks rounded down");
        assertEquals(140_000_000L, e.provenUnacknowledgedNanos(), "base 2 ticks x (2^3 - 1) = 140 ms");
    }

    @Test
    void provenUnacknowledged_followsTheKernelsBackoff_asMeasuredOnLoopback() {
        // Measured here: 200 ms RTO; after one retransmission the socket shows rto 40 ticks, after two 81.
        ProcNetTcp.Entry one = ProcNetTcp.parse("   5: 0100007F:C5A2 0100007F:1538 01 00000034:00000000 01:00000028 "
                + "00000001     0        0 123456 2 0000000000000000 40 4 30 10 -1");
        assertEquals(200_000_000L, one.provenUnacknowledgedNanos());
        ProcNetTcp.Entry two = ProcNetTcp.parse("   5: 0100007F:C5A2 0100007F:1538 01 00000034:00000000 01:00000047 "
                + "00000002     0        0 123456 2 0000000000000000 81 4 30 10 -1");
        assertEquals(600_000_000L, two.provenUnacknowledgedNanos());
    }

    @Test
    void provenUnacknowledged_isZeroWithoutRetransmissions_andNeverOverflows() {
        ProcNetTcp.Entry fresh = ProcNetTcp.parse("   5: 0100007F:C5A2 0100007F:1538 01 0000001C:00000000 01:0000003A "
                + "00000000     0        0 123456 2 0000000000000000 20 4 30 10 -1");
        assertEquals(0, fresh.provenUnacknowledgedNanos());
        ProcNetTcp.Entry ancient = ProcNetTcp.parse("   5: 0100007F:C5A2 0100007F:1538 01 0000001C:00000000 01:0000003A "
                + "0000003F     0        0 123456 2 0000000000000000 9999999 4 30 10 -1");
        org.junit.jupiter.api.Assertions.assertTrue(ancient.provenUnacknowledgedNanos() > 0);
    }

    @Test
    void flowOf_readsBothPortsWithoutSplittingTheLine() {
        assertEquals(ProcNetTcp.flow(0xC5A2, 5432), ProcNetTcp.flowOf("   5: 0100007F:C5A2 0100007F:1538 01 "
                + "0000001C:00000000 01:0000003A 00000003     0        0 123456 2 0000000000000000 20 4 30 10 -1"));
        assertEquals(ProcNetTcp.flow(0xD431, 3306), ProcNetTcp.flowOf("   0: 00000000000000000000000001000000:D431 "
                + "00000000000000000000000001000000:0CEA 01 00000000:00000000 02:000000C8 00000000 0 0 777"));
        assertEquals(-1, ProcNetTcp.flowOf("garbage"));
        assertEquals(ProcNetTcp.flow(65535, 65535), ProcNetTcp.flowOf("   1: 0100007F:FFFF 0100007F:FFFF 01 "
                + "00000000:00000000 00:00000000 00000000 0 0 1"), "high ports must not overflow the key");
        org.junit.jupiter.api.Assertions.assertTrue(ProcNetTcp.flow(65535, 65535) > 0);
    }

    @Test
    void scan_findsThisProcessesOwnLoopbackFlow() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(ProcNetTcp.available(), "Linux /proc/net/tcp");
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                java.net.Socket client = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                        server.getLocalPort());
                java.net.Socket accepted = server.accept()) {
            ProcNetTcp.Flow key = ProcNetTcp.Flow.of((java.net.InetSocketAddress) client.getLocalSocketAddress(),
                    (java.net.InetSocketAddress) client.getRemoteSocketAddress());
            // The same ports towards another address are another socket: never taken as this one's evidence.
            ProcNetTcp.Flow elsewhere = new ProcNetTcp.Flow(key.localAddress(), key.localPort(),
                    java.net.InetAddress.getByName("127.0.0.2"), key.remotePort());
            var found = ProcNetTcp.scan(java.util.List.of(key, elsewhere));
            assertEquals(1, found.size(), found.toString());
            assertEquals(client.getLocalPort(), found.get(key).localPort());
            assertEquals(ProcNetTcp.ESTABLISHED, found.get(key).state());
            assertEquals(key, found.get(key).flow());
        }
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

    @Test
    void address_readsIpv4AndIpv6InTheKernelsWordOrder_andUnmapsIpv4() throws Exception {
        assertEquals(java.net.InetAddress.getByName("127.0.0.1"), ProcNetTcp.address("0100007F:C5A2"));
        assertEquals(java.net.InetAddress.getByName("10.213.7.2"), ProcNetTcp.address("0207D50A:1538"));
        assertEquals(java.net.InetAddress.getByName("::1"),
                ProcNetTcp.address("00000000000000000000000001000000:D431"));
        assertEquals(java.net.InetAddress.getByName("127.0.0.1"),
                ProcNetTcp.address("0000000000000000FFFF00000100007F:D431"), "IPv4-mapped, as dual-stack sockets show");
    }
}
