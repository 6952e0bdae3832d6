package io.github.jdbcliveness.pool;

import io.github.jdbcliveness.keepalive.KeepaliveConnector;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;

/** What a failed connect (HikariCP's, or a host check's) says of its host: a pure function of the evidence. */
enum ConnectOutcome {
    /** The server (or a pooler in front of it) sent something: it is there, even if it refused. */
    ANSWERED,
    /** The network says nothing came back: timed out, refused, no route, unknown host. */
    SILENT,
    /** Neither proved: weighed as nothing, for a wrong verdict aborts healthy work. */
    UNKNOWN;

    /**
     * What a connect that failed with {@code e} says of its host. Our socket's evidence comes first: bytes read from
     * the server since the attempt started are an answer, whatever the driver made of them (pgjdbc raises PgBouncer's
     * "no more connections allowed", SQLState 08P01, with no cause, as it would a network error), however late they
     * came. Unless the driver was still waiting for more when the attempt failed, and had waited {@code quietNanos} or
     * longer: then what ended it was silence, as from a pooler that logs clients in itself in front of a server that
     * hangs (PgBouncer answers the login at once, pgjdbc's first round trip waits for the stopped server, and its
     * {@code loginTimeout} gives up with that read still waiting: {@code HungServerBehindPgBouncerIT}). A reply that
     * ended the attempt, an error after any delay, leaves no read waiting. Then the network's own exceptions make
     * silence. With our socket and nothing read, a connection error (SQLState 08xxx) is silence too. Without our
     * socket, an error with a SQLState and no I/O cause is the server's (a TLS failure is too).
     *
     * @param failedAtNanos when the attempt failed
     * @param quietNanos    how long the driver may have waited for the server at the failure and the bytes before
     *                      still be its answer (a probe timeout: a round trip's allowance)
     */
    static ConnectOutcome of(SQLException e, KeepaliveConnector.Attempt attempt, long startNanos, long failedAtNanos,
            long quietNanos) {
        long answeredAt = attempt == null ? 0 : attempt.answeredAtNanos();
        if (answeredAt != 0 && answeredAt - startNanos >= 0) {
            long waiting = attempt.readingSinceNanos();
            return waiting != 0 && failedAtNanos - waiting >= quietNanos ? SILENT : ANSWERED;
        }
        boolean ioCause = false;
        boolean tls = false;
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                    && !(t instanceof SocketTimeoutException)
                    || t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof java.net.SocketException && "Closed by interrupt".equals(t.getMessage())) {
                // Our own interrupt, at the check's deadline (a driver's login wait, a virtual thread's socket): the
                // attempt was ended by us, not answered by the server.
                return UNKNOWN;
            }
            if (t instanceof ConnectException || t instanceof SocketTimeoutException
                    || t instanceof NoRouteToHostException || t instanceof UnknownHostException) {
                return SILENT;
            }
            tls |= t instanceof SSLException;
            ioCause |= t instanceof IOException;
        }
        if (attempt != null && attempt.seen()) {
            // Our socket read nothing from the server: a connection error is silence (pgjdbc's loginTimeout raises
            // "Connection attempt timed out." with no cause); anything else failed on our side before an answer.
            String state = e.getSQLState();
            return state != null && state.startsWith("08") ? SILENT : UNKNOWN;
        }
        if (tls) {
            return ANSWERED;
        }
        return !ioCause && e.getSQLState() != null ? ANSWERED : UNKNOWN;
    }

    /** Whether our socket saw the attempt's TCP handshake go unanswered (false when not known). */
    static boolean tcpSilent(KeepaliveConnector.Attempt attempt) {
        return attempt != null && attempt.seen() && !attempt.tcpConnected();
    }
}
