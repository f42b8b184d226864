package dev.mercato.plane.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class EventSchemasTest {

    static final Upcasters V1_TO_V2 = Upcasters.none().with("catalog", "product-upserted", 1, p -> p);

    @TempDir
    Path module;

    Path snapshotFile(String relative) {
        return module.resolve(EventSchemas.PUBLISHED_DIR).resolve(relative);
    }

    @Test
    void a_module_whose_schemas_match_their_snapshots_passes() {
        Fixtures.schema(module, Fixtures.V1);
        Fixtures.snapshot(module, Fixtures.V1);

        assertThat(EventSchemas.verify(module, Upcasters.none())).isEmpty();
    }

    @Test
    void a_module_without_event_schemas_passes() {
        assertThat(EventSchemas.verify(module, Upcasters.none())).isEmpty();
    }

    @Test
    void an_incompatible_change_fails_naming_the_type_and_the_path() {
        Fixtures.snapshot(module, Fixtures.V1);
        ObjectNode changed = Fixtures.json(Fixtures.V1);
        ((ObjectNode) changed.at("/properties/price/properties/amount")).put("type", "number");
        Fixtures.schema(module, Fixtures.V1, changed);

        List<String> violations = EventSchemas.verify(module, Upcasters.none());

        assertThat(violations).hasSize(2);
        assertThat(violations.get(0))
                .isEqualTo("catalog.product-upserted.v1 $.price.amount: type changed from string to number");
        assertThat(violations.get(1))
                .contains("breaks its published snapshot")
                .contains("make the breaking change a new version, catalog.product-upserted.v2, with an upcaster");
    }

    @Test
    void a_missing_snapshot_fails_with_the_command_and_the_file_that_publish_it() {
        Fixtures.schema(module, Fixtures.V1);

        List<String> violations = EventSchemas.verify(module, Upcasters.none());

        assertThat(violations)
                .singleElement()
                .asString()
                .startsWith("catalog.product-upserted.v1: new schema with no published snapshot")
                .contains("test -Dmercato.events.publish=true")
                .contains("copy src/main/resources/events/catalog/product-upserted.v1.schema.json"
                        + " to src/test/resources/events-published/catalog/product-upserted.v1.schema.json");
        assertThat(snapshotFile(Fixtures.V1)).doesNotExist();
    }

    @Test
    void publishing_writes_the_missing_snapshot_and_then_passes() throws IOException {
        Path schema = Fixtures.schema(module, Fixtures.V1);

        EventSchemas.Report report = EventSchemas.check(module, Upcasters.none(), true);

        assertThat(report.violations()).isEmpty();
        assertThat(report.written()).containsExactly(snapshotFile(Fixtures.V1));
        assertThat(Files.readString(snapshotFile(Fixtures.V1))).isEqualTo(Files.readString(schema));
        assertThat(EventSchemas.verify(module, Upcasters.none())).isEmpty();
    }

    @Test
    void publishing_never_overwrites_a_snapshot_with_an_incompatible_schema() throws IOException {
        Fixtures.snapshot(module, Fixtures.V1);
        ObjectNode changed = Fixtures.json(Fixtures.V1);
        ((ObjectNode) changed.get("properties")).remove("title");
        Fixtures.schema(module, Fixtures.V1, changed);

        EventSchemas.Report report = EventSchemas.check(module, Upcasters.none(), true);

        assertThat(report.violations()).first().isEqualTo("catalog.product-upserted.v1 $.title: property removed");
        assertThat(report.written()).isEmpty();
        assertThat(Files.readString(snapshotFile(Fixtures.V1))).isEqualTo(Fixtures.text(Fixtures.V1));
    }

    @Test
    void a_compatible_change_passes_with_a_notice_and_publishing_refreshes_the_snapshot() {
        Fixtures.snapshot(module, Fixtures.V1);
        ObjectNode changed = Fixtures.json(Fixtures.V1);
        ((ObjectNode) changed.get("properties")).putObject("brand").put("type", "string");
        Fixtures.schema(module, Fixtures.V1, changed);

        EventSchemas.Report checked = EventSchemas.check(module, Upcasters.none(), false);
        assertThat(checked.violations()).isEmpty();
        assertThat(checked.notices()).singleElement().asString().contains("compatible change not in the snapshot");

        EventSchemas.Report published = EventSchemas.check(module, Upcasters.none(), true);
        assertThat(published.written()).containsExactly(snapshotFile(Fixtures.V1));

        // the addition is now frozen: removing it again breaks the snapshot
        Fixtures.schema(module, Fixtures.V1);
        assertThat(EventSchemas.verify(module, Upcasters.none()))
                .first()
                .isEqualTo("catalog.product-upserted.v1 $.brand: property removed");
    }

    @Test
    void a_v2_without_an_upcaster_fails() {
        for (String v : List.of(Fixtures.V1, Fixtures.V2)) {
            Fixtures.schema(module, v);
            Fixtures.snapshot(module, v);
        }

        assertThat(EventSchemas.verify(module, Upcasters.none()))
                .singleElement()
                .asString()
                .startsWith("catalog.product-upserted.v2: no upcaster from catalog.product-upserted.v1 to v2");
        assertThat(EventSchemas.verify(module, V1_TO_V2)).isEmpty();
    }

    @Test
    void versions_of_a_type_must_be_contiguous() {
        for (String v : List.of(Fixtures.V1, Fixtures.V3)) {
            Fixtures.schema(module, v);
            Fixtures.snapshot(module, v);
        }

        assertThat(EventSchemas.verify(module, Upcasters.none()))
                .singleElement()
                .asString()
                .contains("versions of a type must be contiguous")
                .contains("add catalog.product-upserted.v2");
    }

    @Test
    void an_upcaster_to_a_version_without_a_schema_fails() {
        Fixtures.schema(module, Fixtures.V1);
        Fixtures.snapshot(module, Fixtures.V1);

        assertThat(EventSchemas.verify(module, V1_TO_V2))
                .singleElement()
                .asString()
                .startsWith("catalog.product-upserted.v1: an upcaster to v2 is registered but there is no schema");
    }

    @Test
    void deleting_a_published_schema_fails() {
        Fixtures.snapshot(module, Fixtures.V1);

        assertThat(EventSchemas.verify(module, Upcasters.none()))
                .singleElement()
                .asString()
                .startsWith("catalog.product-upserted.v1: published snapshot"
                        + " src/test/resources/events-published/catalog/product-upserted.v1.schema.json has no schema");
    }

    @Test
    void a_schema_file_off_the_naming_convention_fails() {
        Fixtures.write(
                module.resolve(EventSchemas.SCHEMAS_DIR).resolve("catalog/ProductUpserted.json"),
                Fixtures.text(Fixtures.V1));

        assertThat(EventSchemas.verify(module, Upcasters.none()))
                .singleElement()
                .asString()
                .startsWith("src/main/resources/events/catalog/ProductUpserted.json: not named");
    }

    @Test
    void a_schema_that_is_not_json_or_not_an_object_schema_fails() {
        Fixtures.write(module.resolve(EventSchemas.SCHEMAS_DIR).resolve(Fixtures.V1), "{ \"type\": ");
        Fixtures.write(
                module.resolve(EventSchemas.SCHEMAS_DIR).resolve("catalog/price-changed.v1.schema.json"),
                "{ \"type\": \"string\" }");

        assertThat(EventSchemas.verify(module, Upcasters.none()))
                .satisfiesExactlyInAnyOrder(
                        v -> assertThat(v)
                                .startsWith("catalog.price-changed.v1: ")
                                .contains("\"type\": \"object\""),
                        v -> assertThat(v)
                                .startsWith("src/main/resources/events/catalog/product-upserted.v1.schema.json:"
                                        + " not valid JSON"));
    }

    @Test
    void the_one_line_check_fails_listing_the_violations() {
        Fixtures.schema(module, Fixtures.V1);

        assertThatThrownBy(() ->
                        withPublishProperty(null, () -> EventSchemasCheck.assertCompatible(module, Upcasters.none())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fail the check")
                .hasMessageContaining("catalog.product-upserted.v1: new schema with no published snapshot");
    }

    @Test
    void the_one_line_check_publishes_when_the_system_property_is_set() {
        Fixtures.schema(module, Fixtures.V1);
        assertThatCode(() ->
                        withPublishProperty("true", () -> EventSchemasCheck.assertCompatible(module, Upcasters.none())))
                .doesNotThrowAnyException();

        assertThat(snapshotFile(Fixtures.V1)).exists();
    }

    @Test
    void the_one_line_check_refuses_a_directory_that_is_not_a_module() {
        assertThatThrownBy(() -> EventSchemasCheck.assertCompatible(module, Upcasters.none()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a module directory");
    }

    @Test
    void the_publish_command_names_the_module_relative_to_the_wrapper() throws IOException {
        Files.createFile(module.resolve("mvnw"));
        Path catalog = Files.createDirectories(module.resolve("catalog"));

        assertThat(EventSchemas.publishCommand(catalog))
                .isEqualTo("./mvnw -B -pl catalog test -Dmercato.events.publish=true");
    }

    /** Runs {@code check} with the publish property set to {@code value} (null: unset), then restores it. */
    static void withPublishProperty(String value, Runnable check) {
        String before = System.getProperty(EventSchemas.PUBLISH_PROPERTY);
        set(value);
        try {
            check.run();
        } finally {
            set(before);
        }
    }

    private static void set(String value) {
        if (value == null) {
            System.clearProperty(EventSchemas.PUBLISH_PROPERTY);
        } else {
            System.setProperty(EventSchemas.PUBLISH_PROPERTY, value);
        }
    }
}
