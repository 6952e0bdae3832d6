package io.github.jdbcliveness.junit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The builder refuses what a pool would refuse later, naming the setting and the value. */
class LivenessDrillExtensionTest {

    @Test
    void aBudgetOutsideTheLibrarysBounds_isRefused_withTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LivenessDrillExtension.builder().postgresql().budget(Duration.ofSeconds(1)));
        assertTrue(e.getMessage().startsWith("budget (PT1S) ") && e.getMessage().contains("between"), e.getMessage());
        LivenessDrillExtension.builder().postgresql().budget(Duration.ofSeconds(4)).build();
    }

    @Test
    void anUnknownDriver_orNoDatabase_isRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LivenessDrillExtension.builder().driver("oracle"));
        assertTrue(e.getMessage().contains("driver (oracle)"), e.getMessage());
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> LivenessDrillExtension.builder().build());
        assertTrue(none.getMessage().contains("postgresql()"), none.getMessage());
    }
}
