package io.github.jdbcliveness.pool;

/**
 * A pooled connection as the {@link BorrowGuard} sees it, between HikariCP's hand-out and the borrower: what the
 * borrower's {@code beginRequest} found, and what its socket and its server's role say without a round trip.
 */
interface Borrowed extends Judged {

    /** What the current borrower's {@code beginRequest} found, and whether its lease still holds. */
    LeaseState.Lease lease();

    /** When {@link #lease()} is REFUSED: how long {@code beginRequest} took to refuse it. */
    long refusedAfterNanos();

    /** Why its socket shows the server closed it (a FIN, a reset, a termination message), or null: one peek. */
    String closedByServer();

    /** The role its server reported, when a role is required and that is not it; null otherwise. */
    String wrongRoleAtBorrow();

    /** DEAD from outside a probe; wakes whoever waits for its probe. @return whether this call changed it */
    boolean markDead();

    /** One validation round trip, for validate-on-borrow: true when the server answered. */
    boolean roundTrip() throws java.sql.SQLException;
}
