package io.github.jdbcliveness.cli;

import io.github.jdbcliveness.Durations;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import io.github.jdbcliveness.drill.IdleDrill;
import io.github.jdbcliveness.drill.InFlightDrill;
import io.github.jdbcliveness.drill.NftFaults;
import io.github.jdbcliveness.drill.TrafficDrill;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the runnable jar ({@code java -jar jdbc-liveness-cli-VERSION-all.jar}).
 * {@code drill in-flight [--db postgresql|mariadb|all] [--budget 6s]} runs a failure drill against a real database
 * (embedded unless the environment names one) and prints what a user would feel; {@code audit ...} predicts, without
 * a fault, when each failure would be noticed ({@link AuditCommand}).
 */
public final class Main {

    /**
     * How usage lines and messages name this command: there is no {@code jdbc-liveness} executable, only the
     * runnable jar, so a user must be shown a line that runs.
     */
    static final String PROGRAM = program(Main.class.getProtectionDomain().getCodeSource());

    static final String USAGE = """
            usage: %s drill in-flight|idle|traffic|hung|all
                       [--db postgresql|mariadb|all] [--budget DURATION]
              in-flight  a long statement on a blackholed flow: plain HikariCP vs. the keepalive layer
              idle       D1: the pool's idle flows dropped, traffic resumes after B: HikariCP defaults vs.
                         jdbc-liveness (PostgreSQL only)
              traffic    D2: every flow dropped while traffic runs: HikariCP defaults vs. jdbc-liveness vs.
                         jdbc-liveness validating every borrow (PostgreSQL only)
              hung       a hung server or proxy under traffic, made by a relay in this JVM: the same three pools
                         (PostgreSQL only; needs neither root nor nft)
              all        the audit of the embedded PostgreSQL at the budget, then all four drills (the default of
                         `mvn -q -pl src/jdbc-liveness-cli -am compile exec:java`)
              --db       which server for in-flight: postgresql (default), mariadb (with Connector/J and
                         MariaDB Connector/J), all
              --budget   detection budget, e.g. 6s, 30s, 2m (default 6s; at least 4s)
            The server is embedded unless JDBCLIVENESS_PG_URL / JDBCLIVENESS_MYSQL_URL name one.
            in-flight, idle and traffic drop packets in the kernel (root and nftables); where they cannot run,
            each says so in one line and the drills a relay can show run instead.
            """.formatted(PROGRAM);

    /** The drills that drop packets in the kernel, and what they need and show, in one line each. */
    private static final String[][] KERNEL_DRILLS = {
        {"in-flight", "it needs root and nftables (apt-get install nftables) to drop a flow in the kernel; a relay "
                + "cannot show it, because the relay's own kernel would answer the keepalive probes"},
        {"idle", "it needs root and nftables to drop the pool's idle flows in the kernel, as a NAT eviction does"},
        {"traffic", "it needs root and nftables to drop every flow under traffic in the kernel"},
    };

    private Main() {
    }

    /**
     * {@code java -jar} and the jar's own file name when this runs from the runnable jar; otherwise ({@code mvn
     * exec:java}, an IDE, the thin jar on a class path) the name {@code mvn package} gives the runnable jar.
     */
    static String program(CodeSource source) {
        String name = null;
        try {
            Path location = source == null ? null : Path.of(source.getLocation().toURI()).getFileName();
            name = location == null ? null : location.toString();
        } catch (URISyntaxException | IllegalArgumentException | FileSystemNotFoundException e) {
            // not a file on the default file system: fall through to the name mvn package gives it
        }
        return "java -jar " + (name != null && name.endsWith("-all.jar") ? name : "jdbc-liveness-cli-VERSION-all.jar");
    }

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), System.in, out, err);
    }

    static int run(String[] args, java.util.Map<String, String> env, java.io.InputStream stdin, PrintStream out,
            PrintStream err) {
        if (args.length >= 1 && args[0].equals("audit")) {
            return AuditCommand.run(args, env, stdin, out, err);
        }
        if (args.length >= 1 && args[0].equals("soak")) {
            return SoakCommand.run(args, env, out, err);
        }
        if (args.length >= 1 && List.of("--help", "-h", "help").contains(args[0])) {
            out.print(USAGE);
            out.print(AuditCommand.USAGE);
            out.print(SoakCommand.USAGE);
            return 0;
        }
        if (args.length >= 2 && args[0].equals("drill") && List.of("--help", "-h").contains(args[1])) {
            out.print(USAGE);
            return 0;
        }
        if (args.length < 2 || !args[0].equals("drill")
                || !List.of("in-flight", "idle", "traffic", "hung", "all").contains(args[1])) {
            if (args.length >= 1 && !args[0].equals("drill")) {
                err.println("unknown command " + args[0] + ": drill, audit or soak");
            } else if (args.length >= 2) {
                err.println("unknown drill " + args[1]);
            }
            err.print(USAGE);
            err.print(AuditCommand.USAGE);
            err.print(SoakCommand.USAGE);
            return 64;
        }
        String drill = args[1];
        String db = "postgresql";
        Duration budget = Duration.ofSeconds(6);
        for (int i = 2; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--db" -> db = value;
                case "--budget" -> {
                    try {
                        budget = Durations.parse(value);
                    } catch (IllegalArgumentException e) {
                        err.println("--budget (" + value + ") " + e.getMessage());
                        return 64;
                    }
                }
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    err.println("unknown option " + args[i]);
                    err.print(USAGE);
                    return 64;
                }
            }
            i++;
        }
        List<String[]> runs = new ArrayList<>();
        switch (db == null ? "" : db) {
            case "postgresql" -> runs.add(new String[] {"postgresql", "postgresql"});
            case "mariadb" -> {
                runs.add(new String[] {"mariadb", "mysql"});
                runs.add(new String[] {"mariadb", "mariadb"});
            }
            case "all" -> {
                runs.add(new String[] {"postgresql", "postgresql"});
                runs.add(new String[] {"mariadb", "mysql"});
                runs.add(new String[] {"mariadb", "mariadb"});
            }
            default -> {
                err.println("--db (" + db + ") must be postgresql, mariadb or all");
                return 64;
            }
        }
        java.util.Optional<String> noKernel = NftFaults.unavailableReason();
        if (noKernel.isPresent()) {
            boolean asked = !drill.equals("hung");
            for (String[] kernelDrill : KERNEL_DRILLS) {
                if (drill.equals(kernelDrill[0]) || drill.equals("all")) {
                    out.println(kernelDrill[0] + ": not run here (" + noKernel.get() + "): " + kernelDrill[1]);
                }
            }
            if (asked && !drill.equals("all")) {
                out.println("running the drill a relay can show instead: hung");
            }
            drill = "hung";
        }
        try {
            if (drill.equals("all")) {
                out.println("the audit of the embedded PostgreSQL at B = " + budget.toMillis() + " ms: what the drills"
                        + " below should show ...");
                AuditCommand.run(new String[] {"audit", "--budget", budget.toMillis() + "ms"}, env, stdin, out, err);
                out.println();
            }
            if (drill.equals("in-flight") || drill.equals("all")) {
                for (String[] r : runs) {
                    DatabaseTarget target = r[0].equals("postgresql") ? DatabaseTargets.postgres()
                            : DatabaseTargets.mysql();
                    out.println("starting " + r[0] + " (" + target.origin() + ") ...");
                    out.println(InFlightDrill.run(target, r[1], budget).format());
                }
            }
            if (drill.equals("idle") || drill.equals("all")) {
                DatabaseTarget target = DatabaseTargets.postgres();
                out.println("running the idle-pool drill on postgresql (" + target.origin() + "); HikariCP's "
                        + "borrowers may wait 5 s per dead connection ...");
                out.println(IdleDrill.run(target, budget).format());
            }
            if (drill.equals("hung") || drill.equals("all")) {
                DatabaseTarget target = DatabaseTargets.postgres();
                out.println("running the hung-server drill through relays in this JVM on postgresql ("
                        + target.origin() + "); about " + (3 * budget.toSeconds() + 10) + " s ...");
                out.println(TrafficDrill.run(target, "postgresql", budget, TrafficDrill.Fault.HUNG_RELAY).format());
            }
            if (drill.equals("traffic") || drill.equals("all")) {
                DatabaseTarget target = DatabaseTargets.postgres();
                out.println("running the traffic drill on postgresql (" + target.origin() + "); about "
                        + (3 * budget.toSeconds() + 10) + " s ...");
                out.println(TrafficDrill.run(target, "postgresql", budget, TrafficDrill.Fault.FLOWS).format());
            }
            return 0;
        } catch (Exception e) {
            err.println("drill failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }
}
