package io.github.jdbcliveness.sim;

/**
 * One request on a connection, as the driver sends it and waits for its answer: a probe ({@code isValid}), a query
 * (the server works on it for {@code workNanos}) or an upload (the client keeps sending for {@code uploadNanos},
 * with bytes unacknowledged all the while on a healthy path too).
 */
final class Request {

    enum Kind { PROBE, QUERY, UPLOAD }

    /** Where the request is: its bytes on the way, the server working, the answer on the way back. */
    enum Phase { SENDING, SERVER, REPLY, DONE }

    /** How the request ended, told to whoever waits on it. */
    interface Done {
        void ended(boolean answered, String failure);
    }

    final Kind kind;
    final long bytes;
    final long workNanos;
    final long uploadNanos;
    final Done done;
    Phase phase = Phase.SENDING;
    long sentAtNanos;
    /** Upload: how much of it is sent and acknowledged so far. */
    long uploadedNanos;
    /** Upload: how much a hung server's kernel took into its buffer. */
    long bufferedWhileHung;

    Request(Kind kind, long bytes, long workNanos, long uploadNanos, Done done) {
        this.kind = kind;
        this.bytes = bytes;
        this.workNanos = workNanos;
        this.uploadNanos = uploadNanos;
        this.done = done;
    }

    static Request probe(Done done) {
        return new Request(Kind.PROBE, 16, 0, 0, done);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
