package io.github.jdbcliveness.pool;

/**
 * 64 bytes of nothing, laid out before the fields of a subclass (the JVM places a superclass's fields first): a
 * word that one thread writes on every borrow then shares no cache line with another connection's, which the
 * garbage collector may have copied right next to it.
 */
@SuppressWarnings("unused")
abstract class CacheLinePadding {
    private long p0;
    private long p1;
    private long p2;
    private long p3;
    private long p4;
    private long p5;
    private long p6;
    private long p7;
}
