package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * JDK 21+ users run HikariCP borrowers on virtual threads: nothing of ours on the borrow path may pin a carrier
 * while it waits. 200 virtual threads borrow from a wrapped pool of 4 (so the first ones wait for its start), with
 * validate-on-borrow (a wait for a probe lane) and heartbeats every 100 ms (waits for running probes); JFR must
 * record no {@code jdk.VirtualThreadPinned} event (only these threads are virtual). On JDK 24+ a monitor no longer pins, so
 * there this guards against the remaining causes (native frames); on JDK 21-23 it also catches {@code synchronized}.
 * Linking, which may pin once per class or call site, happens in a warm-up of the same borrows first.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadBorrowTest {

    private static LivenessConfig.Builder config() {
        return LivenessConfig.builder().detectionBudget(Duration.ofSeconds(4)).heartbeatInterval(Duration.ofMillis(100))
                .probeTimeout(Duration.ofSeconds(1)).keepaliveEnabled(false).watchdogEnabled(false)
                .validateOnBorrow(true);
    }

    /**
     * The same borrows once, unrecorded: the first virtual thread to reach a class, a call site or a lambda not
     * linked yet pins its carrier while the JVM links it (once per JVM, not a wait). A warm-up with one borrower
     * on a pool of one left some paths cold (a pin of 1.9 ms in {@code BorrowWaiters.await} on JDK 25).
     */
    private static void warmUp() throws Exception {
        try (LivenessDataSource ds = LivenessDataSource.wrap(pool("virtual-warm-up"), config().build())) {
            borrowOnVirtualThreads(ds);
        }
    }

    private static HikariDataSource pool(String name) throws Exception {
        StubServer server = StubServer.start();
        server.latencyNanos = TimeUnit.MILLISECONDS.toNanos(2);
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(server.url());
        c.setPoolName(name);
        c.setMaximumPoolSize(4);
        c.setConnectionTimeout(10_000);
        HikariDataSource pool = new HikariDataSource();
        c.copyStateTo(pool);
        return pool;
    }

    /** 200 virtual threads borrow at once from a pool of 4 that has not started yet. */
    private static void borrowOnVirtualThreads(LivenessDataSource ds) throws Exception {
        ExecutorService virtual = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor")
                .invoke(null);
        try {
            List<Future<Boolean>> borrows = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                borrows.add(virtual.submit(() -> {
                    try (Connection conn = ds.getConnection()) {
                        return conn.isValid(1);
                    }
                }));
            }
            for (Future<Boolean> f : borrows) {
                assertTrue(f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            virtual.shutdownNow();
        }
        assertEquals(0, ds.stats().evictionsTotal(), ds.stats().toString());
    }

    @Test
    void borrowsOnVirtualThreads_withValidationAndHeartbeats_pinNoCarrierInOurCode() throws Exception {
        HikariDataSource pool = pool("virtual");
        warmUp();
        Path jfr = Files.createTempFile("jdbc-liveness-pinned", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            recording.start();
            try (LivenessDataSource ds = LivenessDataSource.wrap(pool, config().build())) {
                borrowOnVirtualThreads(ds);
            }
            recording.stop();
            recording.dump(jfr);
        }
        List<String> pinned = new ArrayList<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            StringBuilder stack = new StringBuilder();
            boolean loadingAClass = false;
            if (e.getStackTrace() != null) {
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    stack.append("\n    ").append(f.getMethod().getType().getName()).append('.')
                            .append(f.getMethod().getName());
                    loadingAClass |= f.getMethod().getType().getName().equals("java.lang.ClassLoader")
                            && f.getMethod().getName().equals("loadClass");
                }
            }
            // The JDK pins a virtual thread while it loads a class (the first borrow to reach a class not loaded
            // yet, once per JVM): not a wait of ours, and over in well under a millisecond.
            if (!loadingAClass) {
                pinned.add("pinned for " + e.getDuration().toNanos() / 1000 + " us:" + stack);
            }
        }
        Files.deleteIfExists(jfr);
        assertTrue(pinned.isEmpty(), "virtual threads pinned on the borrow path: " + pinned);
    }
}
