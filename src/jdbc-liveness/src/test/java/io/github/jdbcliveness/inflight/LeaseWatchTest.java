package io.github.jdbcliveness.inflight;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The watchdog's verdict on fake time and fake kernel lines: a dead path is stuck, a busy slow path never is, a long
 * query never is, and a new lease starts over.
 */
class LeaseWatchTest {

    private static final long MS = 1_000_000L;
    private static final long TIMEOUT = 1000 * MS;

    /** A /proc line for an ESTABLISHED socket with {@code txQueue} bytes waiting under {@code timer}. */
    private static ProcNetTcp.Entry line(long txQueue, int timer, int retransmits, long rtoTicks) {
        return ProcNetTcp.parse(String.format("   5: 0100007F:C5A2 0100007F:1538 01 %08X:00000000 %02X:0000003A "
                + "%08X     0        0 123456 2 0000000000000000 %d 4 30 10 -1", txQueue, timer, retransmits,
                rtoTicks));
    }

    private static LeaseWatch suspect(long now) {
        LeaseWatch w = new LeaseWatch();
        assertFalse(w.seen(7, now), "a lease is no suspect at its first look");
        return w;
    }

    @Test
    void deadPath_bytesWaitAndNoAcknowledgementMoves_isStuckAfterTheTimeout() {
        LeaseWatch w = suspect(0);
        long written = 50_000;
        for (long t = 100 * MS; t < 1100 * MS; t += 100 * MS) {
            assertTrue(w.seen(7, t));
            assertNull(w.judge(line(20_000, ProcNetTcp.TIMER_RETRANSMIT, 0, 20), written, t, TIMEOUT), "at " + t);
        }
        assertTrue(w.seen(7, 1100 * MS));
        String why = w.judge(line(20_000, ProcNetTcp.TIMER_RETRANSMIT, 2, 80), written, 1100 * MS, TIMEOUT);
        assertNotNull(why);
        assertTrue(why.contains("20000 bytes waiting, 2 retransmissions"), why);
    }

    @Test
    void slowHealthyUpload_bytesAlwaysWaitButAcknowledgementsMove_isNeverStuck() {
        LeaseWatch w = suspect(0);
        long written = 0;
        for (long t = 100 * MS; t < 30_000 * MS; t += 100 * MS) {
            written += 100_000; // 8 Mbit/s: about 100 kB per look, and the send buffer always full
            assertTrue(w.seen(7, t));
            assertNull(w.judge(line(900_000, ProcNetTcp.TIMER_RETRANSMIT, 0, 20), written, t, TIMEOUT), "at " + t);
        }
    }

    @Test
    void blockedWriteWhileAcknowledgementsArrive_txQueueShrinks_isNotStuck() {
        LeaseWatch w = suspect(0);
        long written = 1_000_000; // a write blocked in the kernel: the driver's count does not move
        long waiting = 900_000;
        for (long t = 100 * MS; t < 3000 * MS; t += 100 * MS) {
            waiting -= 20_000; // but the peer acknowledges, so fewer bytes wait
            assertTrue(w.seen(7, t));
            assertNull(w.judge(line(waiting, ProcNetTcp.TIMER_RETRANSMIT, 0, 20), written, t, TIMEOUT), "at " + t);
        }
    }

    @Test
    void longQuery_requestAcknowledged_nothingWaits_isNeverStuck() {
        LeaseWatch w = suspect(0);
        for (long t = 100 * MS; t < 60_000 * MS; t += 100 * MS) {
            assertTrue(w.seen(7, t));
            assertNull(w.judge(line(0, ProcNetTcp.TIMER_KEEPALIVE, 0, 20), 500, t, TIMEOUT));
        }
    }

    @Test
    void kernelRetransmissions_proveSilenceFromBeforeTheFirstLook_butNotFromBeforeTheLease() {
        LeaseWatch w = suspect(0);
        assertTrue(w.seen(7, 900 * MS));
        // 3 retransmissions at base 200 ms prove 1.4 s of silence, but the lease was first seen 0.9 s ago.
        assertNull(w.judge(line(500, ProcNetTcp.TIMER_RETRANSMIT, 3, 160), 500, 900 * MS, TIMEOUT));
        assertTrue(w.seen(7, 1000 * MS));
        assertNotNull(w.judge(line(500, ProcNetTcp.TIMER_RETRANSMIT, 3, 160), 500, 1000 * MS, TIMEOUT));
    }

    @Test
    void aNewLease_startsOver_andANotLeasedLook_forgets() {
        LeaseWatch w = suspect(0);
        assertTrue(w.seen(7, 100 * MS));
        assertNull(w.judge(line(500, ProcNetTcp.TIMER_RETRANSMIT, 0, 20), 500, 100 * MS, TIMEOUT));
        assertFalse(w.seen(8, 2000 * MS), "another lease: no suspect, no verdict carried over");
        assertTrue(w.seen(8, 2100 * MS));
        assertNull(w.judge(line(500, ProcNetTcp.TIMER_RETRANSMIT, 0, 20), 500, 2100 * MS, TIMEOUT));
        assertFalse(w.seen(-1, 2200 * MS));
        assertFalse(w.seen(8, 2300 * MS), "returned and borrowed again: a new look");
    }

    @Test
    void unknownBytesWritten_aChangingTxQueueCountsAsProgress() {
        LeaseWatch w = suspect(0);
        for (long t = 100 * MS; t < 3000 * MS; t += 100 * MS) {
            assertTrue(w.seen(7, t));
            long waiting = 100_000 + (t / MS % 200) * 100;
            assertNull(w.judge(line(waiting, ProcNetTcp.TIMER_RETRANSMIT, 0, 20), -1, t, TIMEOUT), "at " + t);
        }
    }
}
