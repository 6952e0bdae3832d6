package io.github.jdbcliveness.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WarnBudgetTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aBurstIsLoggedWhole_thenOneLineASecond_sayingHowManyWereHeldBack() {
        WarnBudget b = new WarnBudget();
        long t = 1_000 * MS;
        for (int i = 0; i < WarnBudget.BURST; i++) {
            assertEquals(0, b.admit(t), "line " + i + " of the burst");
        }
        // A churn of 25 a second: held back until a second has passed since the burst, then one line with the count.
        int heldBack = 0;
        long now = t;
        for (int i = 1; i <= 24; i++) {
            now = t + i * 40 * MS;
            assertEquals(-1, b.admit(now), "held back at " + (now - t) / MS + " ms");
            heldBack++;
        }
        assertEquals(heldBack, b.admit(t + 1_000 * MS), "the line a second later counts the ones held back");
        assertEquals(-1, b.admit(t + 1_040 * MS));
    }

    @Test
    void aQuietPoolEarnsItsBurstBack_butNoMore() {
        WarnBudget b = new WarnBudget();
        long t = 0;
        for (int i = 0; i < WarnBudget.BURST; i++) {
            b.admit(t);
        }
        assertEquals(-1, b.admit(t + 10 * MS));
        long later = t + 60_000 * MS; // a minute of quiet: a full bucket again, not sixty
        assertEquals(1, b.admit(later), "the one held back before");
        for (int i = 1; i < WarnBudget.BURST; i++) {
            assertEquals(0, b.admit(later), "line " + i + " of the next burst");
        }
        assertEquals(-1, b.admit(later), "the bucket holds a burst, not the minute");
    }
}
