package io.github.jdbcliveness.audit;

import java.time.Duration;
import java.util.Optional;

/**
 * One prediction: how long until the fault is noticed, by what, and what would bring it within the budget.
 *
 * @param after   time from the fault until it is noticed; empty for never (or not applicable)
 * @param verdict how the cell stands against the budget
 * @param how     what notices it (or why nothing does)
 * @param fix     the change that brings it within the budget; empty when none is needed
 */
public record Cell(Optional<Duration> after, Verdict verdict, String how, Optional<String> fix) {

    public enum Verdict {
        /** Noticed within the budget. */
        WITHIN("within"),
        /** Noticed later than the budget, or never although it should be. */
        OVER("over-budget"),
        /** The flow is kept alive, so the fault never happens. */
        PREVENTED("prevented"),
        /** Never noticed, and that is right: a healthy long query must not be aborted. */
        NEVER_RIGHT("never-right"),
        /** A healthy query is aborted: wrong however fast. */
        WRONGLY_ABORTED("wrongly-aborted"),
        /** The question does not arise (the server ended the session itself, or it is hung). */
        NOT_APPLICABLE("not-applicable");

        private final String key;

        Verdict(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** Whether this cell breaks the promise. */
        public boolean misses() {
            return this == OVER || this == WRONGLY_ABORTED;
        }
    }

    /** Noticed after {@code after}: within or over {@code budget}, with the fix shown only when over. */
    static Cell noticed(Duration after, Duration budget, String how, String fix) {
        boolean over = after.compareTo(budget) > 0;
        return new Cell(Optional.of(after), over ? Verdict.OVER : Verdict.WITHIN, how,
                over ? Optional.of(fix) : Optional.empty());
    }

    static Cell never(String how, String fix) {
        return new Cell(Optional.empty(), Verdict.OVER, how, Optional.of(fix));
    }

    static Cell of(Candidate best, Duration budget, String fix) {
        return best.after().map(a -> noticed(a, budget, best.how(), fix)).orElseGet(() -> never(best.how(), fix));
    }

    static Cell prevented(String how) {
        return new Cell(Optional.empty(), Verdict.PREVENTED, how, Optional.empty());
    }

    static Cell neverRight(String how) {
        return new Cell(Optional.empty(), Verdict.NEVER_RIGHT, how, Optional.empty());
    }

    static Cell wronglyAborted(Duration after, String how, String fix) {
        return new Cell(Optional.of(after), Verdict.WRONGLY_ABORTED, how, Optional.of(fix));
    }

    static Cell notApplicable(String how) {
        return new Cell(Optional.empty(), Verdict.NOT_APPLICABLE, how, Optional.empty());
    }
}
