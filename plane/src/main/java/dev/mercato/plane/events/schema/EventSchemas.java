package dev.mercato.plane.events.schema;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The build-time check of a module's event schemas against their published snapshots and its upcasters
 * (the convention is in the package documentation). {@link #verify} returns violations for a test to
 * assert on; {@link EventSchemasCheck} does that in one line.
 */
public final class EventSchemas {

    /** Set to {@code true} ({@code -Dmercato.events.publish=true}) to write snapshots instead of failing. */
    public static final String PUBLISH_PROPERTY = "mercato.events.publish";

    /** Where a module keeps its schemas, relative to the module directory. */
    public static final String SCHEMAS_DIR = "src/main/resources/events";

    /** Where a module keeps the snapshots of its published schemas, relative to the module directory. */
    public static final String PUBLISHED_DIR = "src/test/resources/events-published";

    private static final Pattern FILE = Pattern.compile("([a-z][a-z0-9-]*)\\.v([1-9][0-9]*)\\.schema\\.json");
    private static final Comparator<EventType> ORDER = Comparator.comparing(EventType::source)
            .thenComparing(EventType::name)
            .thenComparingInt(EventType::version);

    private EventSchemas() {}

    /**
     * What a check found and did.
     *
     * @param violations what fails the check, each prefixed with the event type or file it is about
     * @param written snapshots written (publish mode only)
     * @param notices what passes but deserves a word, e.g. a compatible change not yet in its snapshot
     */
    public record Report(List<String> violations, List<Path> written, List<String> notices) {}

    /** The module's violations, without writing anything; empty when its schemas pass. */
    public static List<String> verify(Path moduleDir, Upcasters upcasters) {
        return check(moduleDir, upcasters, false).violations();
    }

    /**
     * Checks a module's schemas. With {@code publish}, a schema without a snapshot, or one that differs
     * from its snapshot compatibly, is copied over the snapshot instead of being reported; an incompatible
     * schema is still a violation and its snapshot is left alone.
     */
    public static Report check(Path moduleDir, Upcasters upcasters, boolean publish) {
        Path module = moduleDir.toAbsolutePath().normalize();
        Path schemasDir = module.resolve(SCHEMAS_DIR);
        Path publishedDir = module.resolve(PUBLISHED_DIR);
        List<String> violations = new ArrayList<>();
        List<Path> written = new ArrayList<>();
        List<String> notices = new ArrayList<>();

        Map<EventType, Path> current = scan(module, schemasDir, violations);
        Map<EventType, Path> published = scan(module, publishedDir, violations);

        for (var entry : current.entrySet()) {
            EventType type = entry.getKey();
            Path file = entry.getValue();
            Path snapshot = publishedDir.resolve(relative(type));
            JsonNode schema = parse(module, file, violations);
            if (schema == null) {
                continue;
            }
            if (!schema.isObject() || !"object".equals(schema.path("type").asString(""))) {
                violations.add(type + ": " + module.relativize(file)
                        + " must be a JSON object with \"type\": \"object\" at its root, as every payload is");
                continue;
            }
            if (!published.containsKey(type)) {
                if (publish) {
                    written.add(copy(file, snapshot));
                } else {
                    violations.add(type + ": new schema with no published snapshot. When this version is ready"
                            + " to publish, freeze it: run `" + publishCommand(module) + "`, or copy "
                            + module.relativize(file) + " to " + module.relativize(snapshot)
                            + "; then commit the snapshot");
                }
                continue;
            }
            JsonNode frozen = parse(module, published.get(type), violations);
            if (frozen == null) {
                continue;
            }
            List<String> broken = SchemaCompatibility.violations(frozen, schema);
            broken.forEach(v -> violations.add(type + " " + v));
            if (!broken.isEmpty()) {
                violations.add(type + ": " + module.relativize(file) + " breaks its published snapshot "
                        + module.relativize(snapshot) + "; revert it there and make the breaking change a new version, "
                        + type.atVersion(highest(current.keySet(), type) + 1) + ", with an upcaster to it");
            } else if (!frozen.equals(schema)) {
                if (publish) {
                    written.add(copy(file, snapshot));
                } else {
                    notices.add(type + ": compatible change not in the snapshot yet; run `" + publishCommand(module)
                            + "` when it is released, so later changes are checked against it");
                }
            }
        }

        for (var entry : published.entrySet()) {
            if (!current.containsKey(entry.getKey())) {
                violations.add(entry.getKey() + ": published snapshot " + module.relativize(entry.getValue())
                        + " has no schema " + SCHEMAS_DIR + "/" + relative(entry.getKey())
                        + "; restore the schema, since consumers may still read events of this version (delete the"
                        + " snapshot too only if none can be left in the log)");
            }
        }

        checkVersions(current, upcasters, violations);
        return new Report(List.copyOf(violations), List.copyOf(written), List.copyOf(notices));
    }

    /** The classpath resource of a type's schema: {@code events/catalog/product-upserted.v1.schema.json}. */
    public static String resourceName(EventType type) {
        return "events/" + relative(type);
    }

    /** A type's schema from the classpath ({@link #resourceName}). */
    public static JsonNode load(EventType type) {
        String resource = resourceName(type);
        ClassLoader loader = Objects.requireNonNullElse(
                Thread.currentThread().getContextClassLoader(), EventSchemas.class.getClassLoader());
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "No schema for " + type + ": " + resource + " is not on the classpath");
            }
            return EventJson.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkVersions(Map<EventType, Path> current, Upcasters upcasters, List<String> violations) {
        Map<String, TreeSet<Integer>> versions = new TreeMap<>();
        for (EventType type : current.keySet()) {
            versions.computeIfAbsent(type.source() + "." + type.name(), k -> new TreeSet<>())
                    .add(type.version());
        }
        for (EventType type : current.keySet()) {
            TreeSet<Integer> all = versions.get(type.source() + "." + type.name());
            Integer previous = all.lower(type.version());
            if (previous == null) {
                continue;
            }
            if (previous != type.version() - 1) {
                violations.add(type + ": versions of a type must be contiguous, but " + type.atVersion(previous)
                        + " is followed by " + type + "; add " + type.atVersion(type.version() - 1));
            } else if (!upcasters.has(type.source(), type.name(), previous)) {
                violations.add(type + ": no upcaster from " + type.atVersion(previous) + " to v" + type.version()
                        + " is registered; a consumer could not read " + type.atVersion(previous)
                        + " events as the current version. Register one, e.g. Upcasters.none().with(\""
                        + type.source() + "\", \"" + type.name() + "\", " + previous
                        + ", payload -> ...), and pass it to the check");
            }
        }
        for (EventType from : upcasters.steps()) {
            TreeSet<Integer> known = versions.get(from.source() + "." + from.name());
            if (known != null && !known.contains(from.version() + 1)) {
                violations.add(from + ": an upcaster to v" + (from.version() + 1) + " is registered but there is no"
                        + " schema " + SCHEMAS_DIR + "/" + relative(from.atVersion(from.version() + 1)));
            }
        }
    }

    private static int highest(Iterable<EventType> types, EventType of) {
        int max = of.version();
        for (EventType t : types) {
            if (t.source().equals(of.source()) && t.name().equals(of.name())) {
                max = Math.max(max, t.version());
            }
        }
        return max;
    }

    /** The schema files under {@code dir} by type; a JSON file off the naming convention is a violation. */
    private static Map<EventType, Path> scan(Path module, Path dir, List<String> violations) {
        Map<EventType, Path> found = new TreeMap<>(ORDER);
        if (!Files.isDirectory(dir)) {
            return found;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + dir, e);
        }
        for (Path file : files) {
            Path rel = dir.relativize(file);
            Matcher m = FILE.matcher(file.getFileName().toString());
            EventType type = null;
            if (rel.getNameCount() == 2 && m.matches()) {
                try {
                    type = EventType.of(rel.getName(0).toString(), m.group(1), Integer.parseInt(m.group(2)));
                } catch (IllegalArgumentException e) {
                    type = null;
                }
            }
            if (type != null) {
                found.put(type, file);
            } else if (file.getFileName().toString().endsWith(".json")) {
                violations.add(module.relativize(file) + ": not named <source>/<name>.v<N>.schema.json (lower case,"
                        + " e.g. catalog/product-upserted.v1.schema.json), so it is not checked");
            }
        }
        return found;
    }

    private static JsonNode parse(Path module, Path file, List<String> violations) {
        try {
            return EventJson.mapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        } catch (JacksonException e) {
            violations.add(module.relativize(file) + ": not valid JSON: " + e.getOriginalMessage());
            return null;
        }
    }

    private static Path copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the snapshot " + to, e);
        }
    }

    private static String relative(EventType type) {
        return type.source() + "/" + type.name() + ".v" + type.version() + ".schema.json";
    }

    /** The command that runs this module's tests in publish mode, from the directory holding {@code mvnw}. */
    static String publishCommand(Path module) {
        Path root = module;
        while (root != null && !Files.isRegularFile(root.resolve("mvnw"))) {
            root = root.getParent();
        }
        String modulePath = root == null
                ? module.getFileName().toString()
                : root.relativize(module).toString();
        String project = modulePath.isEmpty() ? "" : " -pl " + modulePath;
        return "./mvnw -B" + project + " test -D" + PUBLISH_PROPERTY + "=true";
    }
}
