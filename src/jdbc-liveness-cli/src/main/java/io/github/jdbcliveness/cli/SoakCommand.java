package io.github.jdbcliveness.cli;

import io.github.jdbcliveness.Durations;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.soak.Soak;
import io.github.jdbcliveness.soak.SoakResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code soak --minutes N --seed S [--budget 6s]}: the seed's faults against jdbc-liveness and plain HikariCP side by
 * side on the embedded PostgreSQL or MariaDB (or the server JDBCLIVENESS_PG_URL or JDBCLIVENESS_MYSQL_URL names).
 * Exits 0 when jdbc-liveness broke no
 * invariant, 1 when it did, 64 on a bad argument.
 */
final class SoakCommand {

    static final String USAGE = """
            usage: %s soak [--minutes N] [--seed S] [--budget DURATION] [--server postgresql|mariadb]
              a seeded soak: faults drawn from the seed (dead paths, dropped flows and SYNs, a hung server or
              proxy, resets, ended sessions, a slow link, client stalls) under mixed traffic (short queries,
              transactions, long queries, uploads, interrupts), against jdbc-liveness and plain HikariCP side
              by side; the same seed gives the same faults and requests
              --server   postgresql (pgjdbc) or mariadb (MariaDB Connector/J); embedded unless
                         JDBCLIVENESS_PG_URL or JDBCLIVENESS_MYSQL_URL names one (default postgresql)
              --minutes  how long, e.g. 3 or 0.5 (default 3; at least 0.5, at most 1440)
              --seed     the schedule's seed (default: drawn, and printed)
              --budget   detection budget (default 6s; at least 4s)
              --records  a CSV file to write every fault and request to, for a look afterwards
            The last line begins with "soak:" and ends with the number of violations; the exit code is 1 if
            there were any. The kernel's faults need root and nftables; without, the soak runs the others and
            says so (JDBCLIVENESS_REQUIRE_FAULTS=true makes that an error).
            """.formatted(Main.PROGRAM);

    private SoakCommand() {
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        double minutes = 3;
        long seed = new java.util.SplittableRandom().nextLong(1, Long.MAX_VALUE);
        Duration budget = Duration.ofSeconds(6);
        java.nio.file.Path records = null;
        DatabaseTarget.Kind server = DatabaseTarget.Kind.POSTGRESQL;
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--help") || option.equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            String value = i + 1 < args.length ? args[++i] : null;
            if (value == null && List.of("--minutes", "--seed", "--budget", "--records", "--server").contains(option)) {
                err.println(option + " needs a value");
                err.print(USAGE);
                return 64;
            }
            try {
                switch (option) {
                    case "--minutes" -> minutes = minutes(value);
                    case "--seed" -> seed = Long.parseLong(String.valueOf(value));
                    case "--budget" -> budget = budget(value);
                    case "--records" -> records = java.nio.file.Path.of(String.valueOf(value));
                    case "--server" -> server = server(value);
                    default -> {
                        err.println("unknown option " + option);
                        err.print(USAGE);
                        return 64;
                    }
                }
            } catch (IllegalArgumentException e) {
                err.println(option + " (" + value + ") " + e.getMessage());
                return 64;
            }
        }
        Optional<String> noKernel = NftFaults.unavailableReason();
        if (noKernel.isPresent() && "true".equals(env.get("JDBCLIVENESS_REQUIRE_FAULTS"))) {
            err.println("soak: the kernel's faults cannot run here (" + noKernel.get() + ") and "
                    + "JDBCLIVENESS_REQUIRE_FAULTS=true");
            return 1;
        }
        try (NftFaults nft = noKernel.isPresent() ? null : NftFaults.open()) {
            SoakResult result = new Soak(DatabaseTargets.resolve(server), seed,
                    Duration.ofMillis(Math.round(minutes * 60_000)), budget, out, records).run(nft);
            out.println(result.format());
            return result.violations().isEmpty() ? 0 : 1;
        } catch (Exception e) {
            err.println("soak failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static double minutes(String value) {
        double m;
        try {
            m = Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a number of minutes");
        }
        if (!(m >= 0.5 && m <= 1440)) {
            throw new IllegalArgumentException("must be between 0.5 and 1440 minutes");
        }
        return m;
    }

    private static DatabaseTarget.Kind server(String value) {
        return switch (String.valueOf(value)) {
            case "postgresql" -> DatabaseTarget.Kind.POSTGRESQL;
            case "mariadb" -> DatabaseTarget.Kind.MYSQL;
            default -> throw new IllegalArgumentException("must be postgresql or mariadb");
        };
    }

    private static Duration budget(String value) {
        Duration b = Durations.parse(value);
        if (b.compareTo(Duration.ofSeconds(4)) < 0) {
            throw new IllegalArgumentException("must be at least 4s");
        }
        return b;
    }
}
