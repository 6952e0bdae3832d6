package io.github.jdbcliveness.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.github.jdbcliveness.EvictionReason;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.LivenessDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * D3: the backend processes of the idle pooled connections are stopped with SIGSTOP. Their kernel keeps ACKing, so
 * TCP keepalive never notices; the heartbeat's probe timeout does, within B = 6 s.
 */
class HungPeerIT {

    private static final Duration B = Duration.ofSeconds(6);
    private static final int POOL = 10;

    @Test
    void stoppedBackends_areEvictedWithinBudget_althoughTheirKernelAcks() throws Exception {
        Drills.requireTool(NftFaults.isRoot(), "SIGSTOP of the database's backends needs root or the same user");
        DatabaseTarget target = DatabaseTargets.postgres();
        Drills.requireTool(target.origin().equals("embedded"), "SIGSTOP needs a server on this machine");
        Pools.killAllSessions(target, "postgresql"); // only this pool's backends get stopped
        EvictionRecorder recorder = new EvictionRecorder();
        try (LivenessDataSource ds = LivenessDataSource.create(Pools.hikari(target, "postgresql", "d3", POOL),
                LivenessConfig.builder().detectionBudget(B).build())) {
            ds.addListener(recorder);
            HikariDataSource pool = ds.unwrap(HikariDataSource.class);
            Pools.awaitIdle(pool, POOL, Duration.ofSeconds(10));
            List<Long> backends = Pools.backendPids(target);
            assertEquals(POOL, backends.size());
            long fault = System.nanoTime();
            ServerProcesses.signal("STOP", backends);
            List<EvictionRecorder.Eviction> seen;
            try {
                seen = recorder.await(POOL, B.plusSeconds(2));
            } finally {
                ServerProcesses.signal("CONT", backends);
            }
            long last = seen.stream().mapToLong(e -> e.atNanos() - fault).max().orElse(0);
            System.out.printf("D3: %d evicted, the last %.2f s after SIGSTOP%n", seen.size(), last / 1e9);
            assertTrue(seen.size() >= POOL, "evicted " + seen.size() + " of " + POOL);
            assertTrue(last <= B.toNanos(), "last eviction " + last / 1e9 + " s after SIGSTOP, budget " + B);
            assertTrue(seen.stream().allMatch(e -> e.reason() == EvictionReason.PROBE_TIMEOUT), seen.toString());

            Pools.awaitIdle(pool, POOL, B);
            try (Connection c = ds.getConnection()) {
                assertEquals(1, Pools.selectOne(c));
            }
        }
    }
}
