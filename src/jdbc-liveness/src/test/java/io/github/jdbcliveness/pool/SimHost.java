package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.heartbeat.HeartbeatCore;

/**
 * The engine's real {@link HostWatch} (one host's verdict), opened up for the simulator
 * ({@code io.github.jdbcliveness.sim}) on its own pool, timers and check: each method calls the watch's, unchanged.
 * The half-open trial ({@link HostWatch#tryWhileDown()}) is not opened: it opens a real socket. Test code.
 */
public final class SimHost {

    /** What the watch asks of the simulated pool, its clock and its timers ({@link HostWatch.Pool}). */
    public interface Pool {

        /** The verdict took effect: the pool's requests waiting on the host are weighed again, the host swept. */
        void wentDown(long nowNanos);

        long lastReceivedNanos();

        long nanoTime();

        void after(long delayNanos, Runnable task);

        HeartbeatCore.Periodic every(long periodNanos, Runnable task);
    }

    /** A simulated check of the host ({@link HostCheck}). */
    public interface Check {

        /** @return false when a check is under way still: none started */
        boolean start(long startNanos, Result result);

        /** The watch closes: a check under way ends now. */
        void endNow();
    }

    /** What a simulated check reports ({@link HostCheck.Result}). */
    public static final class Result {

        private final HostCheck.Result result;

        private Result(HostCheck.Result result) {
            this.result = result;
        }

        /** The check's connection logged in and its round trip ended ({@code roundTrip}: with the server's answer). */
        public void answered(long nowNanos, boolean roundTrip) {
            result.answered(nowNanos, roundTrip);
        }

        /** The check's end: its round trip was answered. */
        public void endedAnswered(long nowNanos) {
            result.ended(nowNanos, ConnectOutcome.ANSWERED, null, false, 0);
        }

        /**
         * The check's end: no answer by its deadline, or its connect failed.
         *
         * @param handshakeAtNanos when its TCP handshake completed, or 0 when it did not
         */
        public void endedSilent(long nowNanos, String why, long handshakeAtNanos) {
            result.ended(nowNanos, ConnectOutcome.SILENT, why, handshakeAtNanos == 0, handshakeAtNanos);
        }
    }

    private final HostWatch watch;

    public SimHost(String name, SimPoolEvents events, LivenessConfig config, Pool pool, Check check) {
        HostWatch.Pool surroundings = new HostWatch.Pool() {
            @Override
            public String poolName() {
                return "sim";
            }

            @Override
            public PoolEvents events() {
                return events.events();
            }

            @Override
            public void wentDown(HostWatch host, long nowNanos) {
                pool.wentDown(nowNanos);
            }

            @Override
            public long lastReceivedNanos(HostWatch host) {
                return pool.lastReceivedNanos();
            }

            @Override
            public void abortStalledHandshakes(long beganBeforeNanos) {
                // Not simulated: the simulated HikariCP's connects wait out their SYN retries (slower, never faster).
            }

            @Override
            public long nanoTime() {
                return pool.nanoTime();
            }

            @Override
            public void after(long delayNanos, Runnable task) {
                pool.after(delayNanos, task);
            }

            @Override
            public HeartbeatCore.Periodic every(long periodNanos, Runnable task) {
                return pool.every(periodNanos, task);
            }
        };
        this.watch = new HostWatch(surroundings, name, w -> new HostCheck() {
            @Override
            public boolean start(long startNanos, HostCheck.Result result) {
                return check.start(startNanos, new SimHost.Result(result));
            }

            @Override
            public void close() {
                check.endNow();
            }
        }, config);
    }

    HostWatch watch() {
        return watch;
    }

    public void answered(long nowNanos) {
        watch.answered(nowNanos);
    }

    /** One of the pool's connects got no answer, or was refused (a silent outcome: the server never spoke). */
    public void connectFailed(long startNanos, long nowNanos, String why, boolean tcpSilent) {
        watch.connectFailed(startNanos, nowNanos, ConnectOutcome.SILENT, why, tcpSilent);
    }

    /** @return why the request must be aborted ({@code HOST_DOWN}), or null */
    public String requestWaiting(long sinceNanos, long nowNanos, boolean kernelCanWatch) {
        return watch.requestWaiting(sinceNanos, nowNanos, kernelCanWatch);
    }

    public void close() {
        watch.close();
    }
}
