package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.inflight.ProcNetTcp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fault injector itself, on plain loopback TCP: each fault does what it says and nothing more. */
class NftFaultsIT {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private ServerSocket server;

    @BeforeEach
    void requireFaultsAndListen() throws IOException {
        Drills.requireKernelFaults();
        server = new ServerSocket(0, 50, LOOPBACK);
    }

    @AfterEach
    void stopListening() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void close_removesTheTable() throws Exception {
        String table;
        try (NftFaults faults = NftFaults.open()) {
            table = faults.table();
            assertTrue(nftTables().contains(table));
        }
        assertFalse(nftTables().contains(table), "the table must be gone after close()");
    }

    @Test
    void leftoverTableOfADeadProcess_isRemovedAtTheNextOpen() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
        String leftover = "jdbcliveness_" + gone.pid() + "_1_1";
        KernelView.run("nft", "add", "table", "inet", leftover);
        try (NftFaults faults = NftFaults.open()) {
            assertFalse(nftTables().contains(leftover), "a dead process's table must be removed");
        } finally {
            if (nftTables().contains(leftover)) {
                KernelView.run("nft", "delete", "table", "inet", leftover);
            }
        }
    }

    @Test
    void leftoverTableOfAReusedPid_isRemovedToo() throws Exception {
        String leftover = "jdbcliveness_" + ProcessHandle.current().pid() + "_12345_1";
        KernelView.run("nft", "add", "table", "inet", leftover);
        try (NftFaults faults = NftFaults.open()) {
            assertFalse(nftTables().contains(leftover), "same pid, other start time: not ours, must be removed");
        } finally {
            if (nftTables().contains(leftover)) {
                KernelView.run("nft", "delete", "table", "inet", leftover);
            }
        }
    }

    @Test
    void dropFlows_silencesOnlyTheNamedFlow_whileNewConnectionsWork_untilHealed() throws Exception {
        try (NftFaults faults = NftFaults.open(); Socket old = connect(); Socket oldServerSide = server.accept()) {
            faults.dropFlows(server.getLocalPort(), List.of(old.getLocalPort()));
            old.getOutputStream().write(new byte[] {1, 2, 3});
            // As on a real dead path: unacknowledged bytes under the retransmit timer, retransmissions climbing.
            Pools.awaitTrue(Duration.ofSeconds(5), () -> unacknowledged(old) && retransmits(old) >= 2
                    && entry(old).orElseThrow().timer() == ProcNetTcp.TIMER_RETRANSMIT,
                    () -> "kernel's record of the old flow: " + entry(old));
            oldServerSide.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> oldServerSide.getInputStream().read());

            try (Socket fresh = connect(); Socket freshServerSide = server.accept()) {
                fresh.getOutputStream().write(42);
                freshServerSide.setSoTimeout(5000);
                assertTrue(freshServerSide.getInputStream().read() == 42, "a new flow to the same port works");
            }

            faults.heal();
            oldServerSide.setSoTimeout(10_000);
            assertArrayEquals(new byte[] {1, 2, 3}, oldServerSide.getInputStream().readNBytes(3),
                    "after heal the retransmission gets through");
        }
    }

    @Test
    void blackhole_stopsNewConnectionsToo() throws Exception {
        try (NftFaults faults = NftFaults.open()) {
            faults.blackhole(server.getLocalPort());
            try (Socket s = new Socket()) {
                assertThrows(SocketTimeoutException.class,
                        () -> s.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 300));
            }
            faults.heal();
            try (Socket s = connect(); Socket accepted = server.accept()) {
                assertTrue(s.isConnected());
            }
        }
    }

    @Test
    void dropToServer_losesRequests_butAnswersStillArrive() throws Exception {
        try (NftFaults faults = NftFaults.open(); Socket client = connect(); Socket serverSide = server.accept()) {
            faults.dropToServer(server.getLocalPort());
            client.getOutputStream().write(7);
            serverSide.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> serverSide.getInputStream().read());
            serverSide.getOutputStream().write(9);
            client.setSoTimeout(5000);
            assertTrue(client.getInputStream().read() == 9, "server to client still flows");
        }
    }

    @Test
    void dropFromServer_losesAnswers_butRequestsStillArrive() throws Exception {
        try (NftFaults faults = NftFaults.open(); Socket client = connect(); Socket serverSide = server.accept()) {
            faults.dropFromServer(server.getLocalPort());
            client.getOutputStream().write(7);
            serverSide.setSoTimeout(5000);
            assertTrue(serverSide.getInputStream().read() == 7, "client to server still flows");
            serverSide.getOutputStream().write(9);
            client.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> client.getInputStream().read());
        }
    }

    @Test
    void reset_answersTheClientsNextPacketWithRst() throws Exception {
        try (NftFaults faults = NftFaults.open(); Socket client = connect(); Socket serverSide = server.accept()) {
            faults.reset(server.getLocalPort());
            client.getOutputStream().write(1);
            client.setSoTimeout(5000);
            InputStream in = client.getInputStream();
            SocketException e = assertThrows(SocketException.class, in::read);
            assertTrue(e.getMessage().contains("reset"), e.getMessage());
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 5000);
        return s;
    }

    private boolean unacknowledged(Socket s) {
        return entry(s).map(e -> e.txQueue() > 0).orElse(false);
    }

    private int retransmits(Socket s) {
        return entry(s).map(ProcNetTcp.Entry::retransmits).orElse(0);
    }

    private java.util.Optional<ProcNetTcp.Entry> entry(Socket s) {
        try {
            return ProcNetTcp.find(s.getLocalPort(), server.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String nftTables() throws Exception {
        return KernelView.run("nft", "list", "tables");
    }

}
