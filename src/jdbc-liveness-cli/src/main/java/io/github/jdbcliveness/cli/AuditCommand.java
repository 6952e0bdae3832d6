package io.github.jdbcliveness.cli;

import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.audit.Audit;
import io.github.jdbcliveness.audit.AuditJson;
import io.github.jdbcliveness.audit.AuditTable;
import io.github.jdbcliveness.audit.AuditText;
import io.github.jdbcliveness.audit.PoolSettings;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import io.github.jdbcliveness.keepalive.JdbcUrls;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/** {@code audit}: how long until each failure is noticed, for this pool, this server, this budget. */
final class AuditCommand {

    static final int EXIT_USAGE = 64;
    /** The server could not be reached or read (sysexits EX_UNAVAILABLE). */
    static final int EXIT_UNAVAILABLE = 69;

    static final String USAGE = """
            usage: %s audit
                       [--url URL [--user USER] [--password-env VAR | --password-stdin]]
                       [--budget DURATION] [--middlebox-idle DURATION] [--hikari-properties FILE] [--json]
              Connects once (no fault injected), reads back the keepalive the kernel applied to a tuned socket
              and the server's own settings, and predicts for each failure mode and connection state when plain
              HikariCP, jdbc-liveness at the budget, and the server notice it, with the fix for each cell over
              the budget.
              --url                a jdbc:postgresql:, jdbc:mysql: or jdbc:mariadb: URL (default: the embedded
                                   PostgreSQL)
              --password-env VAR   the password from environment variable VAR (never from the command line)
              --password-stdin     the password from the first line of standard input
              --budget             detection budget, e.g. 6s, 30s, 2m (default 30s; at least 4s)
              --middlebox-idle     idle timeout of a NAT or load balancer on the path (AWS NLB 350s, Azure 240s)
              --hikari-properties  the pool's HikariCP properties file (default: HikariCP's defaults)
              --json               the same table for machines
            exit: 0 every jdbc-liveness cell within the budget; 3 a jdbc-liveness cell misses it (deploy gate);
                  64 usage error; 69 the server cannot be reached or read
            """.formatted(Main.PROGRAM);

    private AuditCommand() {
    }

    static int run(String[] args, Map<String, String> env, InputStream stdin, PrintStream out, PrintStream err) {
        AuditArgs a;
        LivenessConfig config;
        try {
            a = AuditArgs.parse(args, env, stdin);
            if (a.help()) {
                out.print(USAGE);
                return 0;
            }
            LivenessConfig.Builder b = LivenessConfig.builder().detectionBudget(a.budget());
            a.middleboxIdle().ifPresent(b::middleboxIdleTimeout);
            config = b.build();
        } catch (AuditArgs.UsageException | IllegalArgumentException e) {
            err.println("audit: " + e.getMessage());
            err.println("run `" + Main.PROGRAM + " audit --help` for the options");
            return EXIT_USAGE;
        }
        String url;
        Properties props = new Properties();
        if (a.url().isPresent()) {
            url = a.url().get();
            a.user().ifPresent(u -> props.setProperty("user", u));
            a.password().ifPresent(p -> props.setProperty("password", p));
        } else {
            DatabaseTarget target = DatabaseTargets.postgres();
            url = target.jdbcUrl("postgresql");
            props.putAll(target.credentials());
        }
        PoolSettings pool;
        try {
            pool = poolSettings(a, url);
        } catch (IOException | IllegalArgumentException e) {
            err.println("audit: --hikari-properties (" + a.hikariProperties().orElseThrow() + ") " + e.getMessage());
            return EXIT_USAGE;
        }
        AuditTable table;
        try {
            table = Audit.run(url, props, config, pool);
        } catch (SQLException | RuntimeException e) {
            err.println("audit: cannot read " + JdbcUrls.redact(url) + ": " + redactedMessage(e, url, props));
            return EXIT_UNAVAILABLE;
        }
        out.print(a.json() ? AuditJson.format(table) : AuditText.format(table));
        return table.exitCode();
    }

    private static PoolSettings poolSettings(AuditArgs a, String url) throws IOException {
        if (a.hikariProperties().isEmpty()) {
            return PoolSettings.defaults(url);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(a.hikariProperties().get(), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return PoolSettings.from(p, url, a.hikariProperties().get().toString());
    }

    /** A driver's message could quote the URL or the password back: neither reaches the output. */
    private static String redactedMessage(Exception e, String url, Properties props) {
        String m = String.valueOf(e.getMessage()).replace(url, JdbcUrls.redact(url));
        String password = props.getProperty("password");
        return password == null || password.isEmpty() ? m : m.replace(password, "***");
    }
}
