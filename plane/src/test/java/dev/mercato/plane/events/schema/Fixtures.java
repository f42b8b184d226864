package dev.mercato.plane.events.schema;

import dev.mercato.plane.events.EventJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The fixtures in {@code src/test/resources/schema-fixtures/} and a module directory laid out from them. */
final class Fixtures {

    static final String V1 = "catalog/product-upserted.v1.schema.json";
    static final String V2 = "catalog/product-upserted.v2.schema.json";
    static final String V3 = "catalog/product-upserted.v3.schema.json";
    static final String V1_PAYLOAD = "product-upserted.v1.payload.json";

    private Fixtures() {}

    static String text(String fixture) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream("schema-fixtures/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + fixture);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh, mutable copy of a fixture. */
    static ObjectNode json(String fixture) {
        return (ObjectNode) EventJson.tree(text(fixture));
    }

    /** Writes a fixture as the module's current schema {@code src/main/resources/events/<relative>}. */
    static Path schema(Path module, String fixture) {
        return write(module.resolve(EventSchemas.SCHEMAS_DIR).resolve(fixture), text(fixture));
    }

    /** Writes a schema as the module's current schema {@code src/main/resources/events/<relative>}. */
    static Path schema(Path module, String relative, JsonNode schema) {
        return write(module.resolve(EventSchemas.SCHEMAS_DIR).resolve(relative), schema.toPrettyString());
    }

    /** Writes a fixture as the module's published snapshot {@code src/test/resources/events-published/...}. */
    static Path snapshot(Path module, String fixture) {
        return write(module.resolve(EventSchemas.PUBLISHED_DIR).resolve(fixture), text(fixture));
    }

    static Path write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
