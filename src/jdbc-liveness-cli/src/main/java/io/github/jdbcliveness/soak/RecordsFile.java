package io.github.jdbcliveness.soak;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A soak's raw record as CSV, for a look after the run: every fault as it was in force, then every request of every
 * pool. Times in seconds from the soak's start.
 */
final class RecordsFile {

    private RecordsFile() {
    }

    static void write(Path file, List<Injected> faults, List<String> labels, List<List<RequestRecord>> records)
            throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("# fault,kind,start_s,in_force_s,end_s,stall_start_s,stall_end_s");
            for (int i = 0; i < faults.size(); i++) {
                Injected f = faults.get(i);
                w.printf(Locale.ROOT, "fault,%s,%.3f,%.3f,%.3f,%.3f,%.3f%n", f.kind(), f.startNanos() / 1e9,
                        f.inForceNanos() / 1e9, f.endNanos() / 1e9, f.stallStartNanos() / 1e9,
                        f.stallEndNanos() / 1e9);
            }
            w.println("# request,pool,kind,start_s,end_s,expected_s,interrupted,error");
            for (int l = 0; l < labels.size(); l++) {
                for (RequestRecord r : records.get(l)) {
                    w.printf(Locale.ROOT, "request,%s,%s,%.3f,%.3f,%.3f,%s,%s%n", labels.get(l), r.kind(),
                            r.startNanos() / 1e9, r.endNanos() / 1e9, r.expectedNanos() / 1e9, r.interrupted(),
                            r.error() == null ? "" : '"' + r.error().replace('"', '\'').replace('\n', ' ') + '"');
                }
            }
        }
    }
}
