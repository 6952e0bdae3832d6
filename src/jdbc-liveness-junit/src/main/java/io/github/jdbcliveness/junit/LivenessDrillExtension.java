package io.github.jdbcliveness.junit;

import io.github.jdbcliveness.Durations;
import io.github.jdbcliveness.LivenessConfig;
import io.github.jdbcliveness.drill.DatabaseTarget;
import io.github.jdbcliveness.drill.DatabaseTargets;
import io.github.jdbcliveness.drill.OptionalDependencies;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit Jupiter extension behind {@link LivenessDrill}: gives each test a {@link Drill} against a real
 * database, prints the drill's report after the test, and undoes whatever the drill made, even when the test
 * fails. As an annotation it runs against an embedded server; registered with its builder it runs against a
 * Testcontainers container or a server of yours:
 *
 * <pre>{@code
 * @Container
 * static PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:17");
 *
 * @RegisterExtension
 * static LivenessDrillExtension drills = LivenessDrillExtension.builder()
 *         .container(() -> postgres)
 *         .budget(Duration.ofSeconds(6))
 *         .build();
 * }</pre>
 */
public final class LivenessDrillExtension implements ParameterResolver, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            LivenessDrillExtension.class);

    private final Supplier<DrillTarget> target;
    private final Duration budget;
    private final FaultLayer layer;
    private final PrintStream out;

    /** The annotation's form: the settings come from {@link LivenessDrill} on the test class. */
    public LivenessDrillExtension() {
        this(null, null, null, System.out);
    }

    private LivenessDrillExtension(Supplier<DrillTarget> target, Duration budget, FaultLayer layer,
            PrintStream out) {
        this.target = target;
        this.budget = budget;
        this.layer = layer;
        this.out = out;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The budget as {@link LivenessConfig} takes it (its bounds, its message), checked before any pool is made. */
    private static Duration checkedBudget(Duration budget) {
        try {
            LivenessConfig.builder().detectionBudget(budget).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a budget a pool takes: " + e.getMessage(), e);
        }
        return budget;
    }

    private static String checkedDriver(String driver) {
        if (!java.util.List.of("postgresql", "mariadb", "mysql").contains(driver)) {
            throw new IllegalArgumentException("driver (" + driver + ") must be postgresql, mariadb or mysql");
        }
        return driver;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Drill.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        return store.computeIfAbsent(context.getUniqueId(), id -> newDrill(context), Drill.class);
    }

    private Drill newDrill(ExtensionContext context) {
        String name = context.getRequiredTestMethod().getName();
        if (target != null) {
            DrillTarget t = target.get();
            OptionalDependencies.requireDriver(t.driver());
            return new Drill(t, budget, layer, name);
        }
        LivenessDrill settings = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), LivenessDrill.class)
                .orElseThrow(() -> new ParameterResolutionException("a Drill parameter needs @LivenessDrill on "
                        + context.getRequiredTestClass().getName() + " or LivenessDrillExtension.builder()"));
        DatabaseTarget db = settings.database() == LivenessDrill.Database.POSTGRESQL ? DatabaseTargets.postgres()
                : DatabaseTargets.mysql();
        String driver;
        try {
            driver = settings.driver().isEmpty() ? DrillTarget.defaultDriver(db.kind())
                    : checkedDriver(settings.driver());
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("@LivenessDrill(" + e.getMessage() + ")");
        }
        Duration b;
        try {
            b = checkedBudget(Durations.parse(settings.budget()));
        } catch (IllegalArgumentException e) {
            throw new ParameterResolutionException("@LivenessDrill(budget = \"" + settings.budget() + "\") "
                    + e.getMessage());
        }
        OptionalDependencies.requireDriver(driver);
        return new Drill(new DrillTarget(db, driver), b, settings.layer().toFaultLayer(), name);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Drill drill = context.getStore(NAMESPACE).remove(context.getUniqueId(), Drill.class);
        if (drill == null) {
            return;
        }
        try {
            out.print(drill.report());
            out.flush();
        } finally {
            drill.close();
        }
    }

    /** Where the drills run, their budget, and the layer their faults must be made on. */
    public static final class Builder {
        private Supplier<DrillTarget> target;
        private String driver;
        private Duration budget = Duration.ofSeconds(6);
        private FaultLayer layer;
        private PrintStream out = System.out;

        private Builder() {
        }

        /** The embedded PostgreSQL (or the one {@code JDBCLIVENESS_PG_URL} names). */
        public Builder postgresql() {
            target = () -> new DrillTarget(DatabaseTargets.postgres(), driverOr("postgresql"));
            return this;
        }

        /** The embedded MariaDB (or the server {@code JDBCLIVENESS_MYSQL_URL} names). */
        public Builder mariadb() {
            target = () -> new DrillTarget(DatabaseTargets.mysql(), driverOr("mariadb"));
            return this;
        }

        /**
         * A Testcontainers database container ({@code PostgreSQLContainer}, {@code MySQLContainer},
         * {@code MariaDBContainer} or your own {@code JdbcDatabaseContainer}), asked for when a test starts, so
         * that a {@code @Container} field works. Container-level faults (pause, disconnect, kill) become available,
         * and the pool connects to the container's own address where this machine can reach it.
         */
        public Builder container(Supplier<?> container) {
            Objects.requireNonNull(container, "container");
            target = () -> {
                OptionalDependencies.requireTestcontainers();
                return ContainerDrillTargets.of(container.get(), driver);
            };
            return this;
        }

        /** A server of yours: its JDBC URL, and the user and password of a user allowed to end sessions. */
        public Builder external(String jdbcUrl, String username, String password) {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            target = () -> {
                DatabaseTarget db = DatabaseTargets.external(jdbcUrl, username, password);
                return new DrillTarget(db, driverOr(DrillTarget.defaultDriver(db.kind())));
            };
            return this;
        }

        /** The JDBC driver: {@code postgresql}, {@code mariadb} or {@code mysql}. */
        public Builder driver(String driver) {
            this.driver = checkedDriver(driver);
            return this;
        }

        /** The detection budget B the drills' pools get (default 6 s; 4 s to 24 h, as {@link LivenessConfig}). */
        public Builder budget(Duration budget) {
            try {
                this.budget = checkedBudget(Objects.requireNonNull(budget, "budget"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("budget (" + budget + ") " + e.getMessage(), e);
            }
            return this;
        }

        /** Makes every fault on {@code layer}; a drill that cannot run there is skipped with the reason. */
        public Builder layer(FaultLayer layer) {
            this.layer = layer;
            return this;
        }

        /** Where the reports go (default {@code System.out}). */
        public Builder report(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        public LivenessDrillExtension build() {
            if (target == null) {
                throw new IllegalStateException("name the database: postgresql(), mariadb(), container(...) or "
                        + "external(...)");
            }
            return new LivenessDrillExtension(target, budget, layer, out);
        }

        private String driverOr(String fallback) {
            return driver == null ? fallback : driver;
        }
    }
}
