package io.github.jdbcliveness.soak;

/** What an application thread of a soak asks of the database, drawn per request from its seed. */
public enum RequestKind {
    /** {@code SELECT 1}. */
    SHORT,
    /** A transaction: an UPDATE and a SELECT, then COMMIT. */
    TRANSACTION,
    /** {@code SELECT pg_sleep(s)} or {@code SELECT SLEEP(s)}: healthy long work, 0.5 s to 1.5 × B. */
    LONG,
    /**
     * An upload of 16 to 512 KiB, or one time in ten of 4 to 16 MiB, more than the socket buffers hold, so a server
     * or proxy that stops reading blocks the write: {@code COPY ... FROM STDIN} in a transaction on PostgreSQL, one
     * statement with the upload as its parameter on MariaDB.
     */
    UPLOAD
}
