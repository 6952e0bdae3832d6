package io.github.jdbcliveness.junit;

/** How one fault is made and undone on one layer. */
interface FaultAction extends AutoCloseable {

    void inject() throws Exception;

    void heal() throws Exception;

    /** What was done, for the report: "SIGSTOP of 7 PostgreSQL processes". */
    String describe();

    /** Undoes whatever is still in force and frees what the action holds; throws only when it could not undo it. */
    @Override
    void close();
}
