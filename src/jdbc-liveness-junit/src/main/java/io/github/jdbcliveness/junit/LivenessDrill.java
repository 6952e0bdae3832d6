package io.github.jdbcliveness.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class's methods as failure drills against a real database: each test method that takes a
 * {@link Drill} parameter gets one, and a report of what it saw is printed after it.
 *
 * <pre>{@code
 * @LivenessDrill(database = LivenessDrill.Database.POSTGRESQL, budget = "6s")
 * class PoolDrillTest {
 *     @Test
 *     void hungServer(Drill drill) throws Exception { ... }
 * }
 * }</pre>
 *
 * For a Testcontainers container or an external server, register {@link LivenessDrillExtension} with its builder
 * instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(LivenessDrillExtension.class)
public @interface LivenessDrill {

    /** An embedded server, started once per JVM (the first MariaDB start downloads nothing but takes ~10 s). */
    enum Database {
        POSTGRESQL, MARIADB
    }

    Database database() default Database.POSTGRESQL;

    /**
     * The driver: {@code postgresql}, {@code mariadb} (MariaDB Connector/J) or {@code mysql} (Connector/J); empty for
     * the database's own. Another value fails the test's parameter resolution, naming it.
     */
    String driver() default "";

    /** The detection budget B, e.g. {@code 6s}, {@code 30s}, {@code PT1M}. */
    String budget() default "6s";

    /** The layer every fault is made on; {@code ANY} picks the most real one this environment allows. */
    Layer layer() default Layer.ANY;

    /** {@link FaultLayer}, or ANY. */
    enum Layer {
        ANY, KERNEL, PROCESS, CONTAINER, SERVER, RELAY;

        FaultLayer toFaultLayer() {
            return this == ANY ? null : FaultLayer.valueOf(name());
        }
    }
}
