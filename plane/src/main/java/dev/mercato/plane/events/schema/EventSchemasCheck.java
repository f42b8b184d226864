package dev.mercato.plane.events.schema;

import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema check as one line in a capability's test:
 *
 * <pre>{@code
 * @Test
 * void published_event_schemas_stay_compatible() {
 *     EventSchemasCheck.assertCompatible(CatalogEvents.UPCASTERS);
 * }
 * }</pre>
 *
 * <p>It checks the module in the working directory (Maven runs a module's tests there) and fails with an
 * {@link AssertionError} listing every violation. With {@code -Dmercato.events.publish=true} it writes
 * missing snapshots and passes, unless something else is wrong.
 */
public final class EventSchemasCheck {

    private static final Logger log = LoggerFactory.getLogger(EventSchemasCheck.class);

    private EventSchemasCheck() {}

    /** Checks the module in the working directory. */
    public static void assertCompatible(Upcasters upcasters) {
        assertCompatible(Path.of("").toAbsolutePath(), upcasters);
    }

    /** Checks the module in {@code moduleDir}; publishes when the system property says so. */
    public static void assertCompatible(Path moduleDir, Upcasters upcasters) {
        if (!Files.isDirectory(moduleDir.resolve("src"))) {
            throw new IllegalStateException(moduleDir.toAbsolutePath() + " is not a module directory (it has no src/):"
                    + " run the test with Maven, which runs it in the module, or set the IDE's working directory"
                    + " to the module");
        }
        boolean publish = Boolean.getBoolean(EventSchemas.PUBLISH_PROPERTY);
        EventSchemas.Report report = EventSchemas.check(moduleDir, upcasters, publish);
        report.written().forEach(p -> log.info("Published the event schema snapshot {}; commit it", p));
        report.notices().forEach(n -> log.info("{}", n));
        if (!report.violations().isEmpty()) {
            throw new AssertionError(
                    "Event schemas in " + moduleDir.toAbsolutePath().normalize() + " fail the check:\n  "
                            + String.join("\n  ", report.violations()));
        }
    }
}
