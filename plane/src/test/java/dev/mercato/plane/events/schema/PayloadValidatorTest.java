package dev.mercato.plane.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

class PayloadValidatorTest {

    final ObjectNode schema = Fixtures.json(Fixtures.V1);
    final ObjectNode payload = Fixtures.json(Fixtures.V1_PAYLOAD);

    List<String> violations() {
        return PayloadValidator.violations(schema, payload);
    }

    @Test
    void a_valid_payload_passes() {
        assertThat(violations()).isEmpty();
    }

    @Test
    void a_missing_required_field_is_reported_with_its_path() {
        payload.remove("title");
        ((ObjectNode) payload.get("price")).remove("currency");

        assertThat(violations())
                .containsExactly("$.title: required property missing", "$.price.currency: required property missing");
    }

    @Test
    void a_wrong_type_is_reported_with_its_path() {
        payload.put("title", 42);
        ((ObjectNode) payload.at("/variants/1")).put("stock", "many");

        assertThat(violations())
                .containsExactly(
                        "$.title: expected string but was integer",
                        "$.variants[1].stock: expected integer but was string");
    }

    @Test
    void null_is_accepted_only_where_the_type_lists_it() {
        payload.putNull("subtitle");
        assertThat(violations()).isEmpty();

        payload.putNull("title");
        assertThat(violations()).containsExactly("$.title: expected string but was null");
    }

    @Test
    void an_integer_accepts_a_whole_number_written_with_a_fraction_but_not_a_fraction() {
        ((ObjectNode) payload.at("/variants/0")).put("stock", 3.0);
        assertThat(violations()).isEmpty();

        ((ObjectNode) payload.at("/variants/0")).put("stock", 3.5);
        assertThat(violations()).containsExactly("$.variants[0].stock: expected integer but was number");
    }

    @Test
    void enum_and_format_violations_are_reported() {
        payload.put("status", "GONE");
        payload.put("productId", "not-a-uuid");
        payload.put("updatedAt", "yesterday");

        assertThat(violations())
                .containsExactlyInAnyOrder(
                        "$.status: \"GONE\" is not one of [\"DRAFT\",\"ACTIVE\",\"RETIRED\"]",
                        "$.productId: \"not-a-uuid\" is not a uuid",
                        "$.updatedAt: \"yesterday\" is not a date-time");
    }

    @Test
    void unknown_properties_are_refused_only_where_additional_properties_is_false() {
        ((ObjectNode) payload.get("price")).put("vat", "1.00");
        assertThat(violations()).isEmpty();

        ((ObjectNode) schema.at("/properties/price")).put("additionalProperties", false);
        assertThat(violations()).containsExactly("$.price.vat: property not allowed (additionalProperties is false)");
    }

    @Test
    void an_event_is_validated_against_its_schema_on_the_classpath(@TempDir Path classpath) throws Exception {
        Fixtures.write(classpath.resolve("events").resolve(Fixtures.V1), Fixtures.text(Fixtures.V1));
        payload.remove("status");
        var valid =
                UpcastersTest.event(EventType.of("catalog", "product-upserted", 1), Fixtures.text(Fixtures.V1_PAYLOAD));
        var invalid = UpcastersTest.event(valid.type(), EventJson.write(payload));

        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {classpath.toUri().toURL()}, null)) {
            thread.setContextClassLoader(loader);
            assertThatCode(() -> PayloadValidator.requireValid(valid)).doesNotThrowAnyException();
            assertThatThrownBy(() -> PayloadValidator.requireValid(invalid))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("$.status: required property missing");
            var unknown = UpcastersTest.event(valid.type().atVersion(2), "{}");
            assertThatThrownBy(() -> PayloadValidator.violations(unknown))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("events/catalog/product-upserted.v2.schema.json is not on the classpath");
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
