package io.github.jdbcliveness.pool;

import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends a tracked connection's physical connection without making the caller wait on the network. A dead one is
 * aborted after its socket is closed by us: some drivers' {@code close()}, and even their {@code abort()}, read from a
 * dead socket (Connector/J's {@code close()} was still blocked after 10 s; {@code abort()} returned in 38 ms).
 */
final class PhysicalClose {

    private final PoolBinding binding;
    private final Connection physical;
    /** The driver's socket, or null when no socket of ours was seen. */
    private final Socket socket;

    PhysicalClose(PoolBinding binding, Connection physical, Socket socket) {
        this.binding = binding;
        this.physical = physical;
        this.socket = socket;
    }

    /**
     * Ends the physical connection without waiting on the network: closes the socket (which frees any thread
     * blocked reading it) and lets the driver abort on a probe thread.
     */
    void abort() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed
            }
        }
        Executor executor = binding.maintenance();
        boolean noSocket = socket == null && binding.noSocketDriver();
        try {
            executor.execute(() -> {
                if (noSocket) {
                    endWithoutOurSocket(executor);
                    return;
                }
                try {
                    physical.abort(executor);
                } catch (SQLException | RuntimeException e) {
                    // the socket is closed already; the driver may complain about it
                }
            });
        } catch (RuntimeException e) {
            // shutting down: the socket is closed, which is what matters
        }
    }

    /**
     * A driver whose socket we never had: its sockets are found and closed first (its {@code abort()} may do
     * nothing, and its {@code close()} may wait for the dead server's answer, see {@link DriverSockets}); then the
     * driver ends the connection its own way, which no longer waits on the network. On a maintenance thread: the
     * caller never waits.
     */
    private void endWithoutOurSocket(Executor executor) {
        DriverSockets.closeAll(physical);
        try {
            physical.abort(executor);
        } catch (SQLException | RuntimeException e) {
            // its socket is closed already; the driver may complain about it
        }
        try {
            if (!physical.isClosed()) {
                physical.close(); // frees what the driver holds besides the socket; the socket write fails at once
            }
        } catch (SQLException | RuntimeException e) {
            // the connection is gone either way
        }
    }

    /** A graceful close that may take at most the probe timeout; past that the connection is aborted. */
    void closeBounded() {
        Future<?> closing;
        try {
            closing = binding.maintenance().submit(() -> {
                physical.close();
                return null;
            });
        } catch (RuntimeException e) {
            abort();
            return;
        }
        try {
            closing.get(binding.probeTimeoutNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
        } catch (Exception e) {
            // close failed; nothing more to do
        }
    }
}
