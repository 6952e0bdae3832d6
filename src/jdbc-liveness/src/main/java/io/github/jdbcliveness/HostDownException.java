package io.github.jdbcliveness;

import java.sql.SQLTransientConnectionException;

/**
 * What a borrower gets instead of waiting {@code connectionTimeout} for a new connection, while its pool's database
 * host is judged down: a new connection got no answer within {@code connectTimeout}, and the pool has no idle
 * connection to hand out. It comes at once, or, while the path itself is dead, after one trial handshake (a few
 * milliseconds) that would have re-admitted a healed host. The request was never sent. An application that catches
 * it can answer "unavailable" at once; borrows succeed again as soon as the host answers. SQLState {@code 08001}, as
 * any failure to connect.
 */
public class HostDownException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    private final String host;
    private final String evidence;

    public HostDownException(String message, String host, String evidence) {
        super(message, "08001");
        this.host = host;
        this.evidence = evidence;
    }

    /** The host as the pool names it (host and port, or the URL). */
    public String host() {
        return host;
    }

    /** What made the verdict, for example "a new connection from the pool failed after 2007 ms: ...". */
    public String evidence() {
        return evidence;
    }
}
