package io.github.jdbcliveness.sim;

/**
 * One broken invariant: which (1 to 8, as issue 21 numbers them), when (from the run's start), and what was seen;
 * {@code finding} names the open finding it is an instance of, or is null for a new one.
 */
record Violation(int invariant, long atNanos, String what, OpenFinding finding) {

    @Override
    public String toString() {
        return "invariant " + invariant + " at " + String.format("%.6f", atNanos / 1e9) + " s: " + what
                + (finding == null ? "" : " [open finding: " + finding + "]");
    }
}
