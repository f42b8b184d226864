package dev.mercato.plane.events.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class SchemaCompatibilityTest {

    final ObjectNode published = Fixtures.json(Fixtures.V1);
    final ObjectNode current = Fixtures.json(Fixtures.V1);

    List<String> violations() {
        return SchemaCompatibility.violations(published, current);
    }

    ObjectNode property(String pointer) {
        return (ObjectNode) current.at(pointer);
    }

    @Test
    void an_unchanged_schema_is_compatible() {
        assertThat(violations()).isEmpty();
    }

    @Test
    void removing_a_field_fails() {
        property("/properties").remove("subtitle");

        assertThat(violations()).containsExactly("$.subtitle: property removed");
    }

    @Test
    void retyping_a_field_fails() {
        property("/properties/productId").put("type", "integer");

        assertThat(violations()).containsExactly("$.productId: type changed from string to integer");
    }

    @Test
    void narrowing_a_type_list_fails() {
        property("/properties/subtitle").put("type", "string");

        assertThat(violations()).containsExactly("$.subtitle: type changed from [string, null] to string");
    }

    @Test
    void making_an_optional_field_required_fails() {
        ((ArrayNode) current.get("required")).add("subtitle");

        assertThat(violations()).containsExactly("$.subtitle: optional property made required");
    }

    @Test
    void adding_a_required_field_fails() {
        property("/properties").putObject("brand").put("type", "string");
        ((ArrayNode) current.get("required")).add("brand");

        assertThat(violations()).containsExactly("$.brand: new required property");
    }

    @Test
    void adding_an_optional_field_passes() {
        property("/properties").putObject("brand").put("type", "string");

        assertThat(violations()).isEmpty();
    }

    @Test
    void widening_a_type_to_include_null_passes() {
        property("/properties/title").putArray("type").add("string").add("null");

        assertThat(violations()).isEmpty();
    }

    @Test
    void widening_integer_to_number_passes_but_number_to_integer_fails() {
        property("/properties/variants/items/properties/stock").put("type", "number");
        assertThat(violations()).isEmpty();

        assertThat(SchemaCompatibility.violations(current, published))
                .containsExactly("$.variants[*].stock: type changed from number to integer");
    }

    @Test
    void making_a_required_field_optional_passes() {
        ((ArrayNode) current.get("required")).removeIf(n -> n.asString().equals("title"));

        assertThat(violations()).isEmpty();
    }

    @Test
    void a_nested_object_change_is_caught_with_its_path() {
        property("/properties/price/properties/amount").put("type", "number");
        ((ArrayNode) property("/properties/price").get("required")).add("taxIncluded");

        assertThat(violations())
                .containsExactly(
                        "$.price.amount: type changed from string to number",
                        "$.price.taxIncluded: new required property");
    }

    @Test
    void an_array_item_change_is_caught_with_its_path() {
        property("/properties/variants/items/properties").remove("sku");
        property("/properties/variants/items/properties/stock").put("type", "string");

        assertThat(violations())
                .containsExactly(
                        "$.variants[*].sku: property removed",
                        "$.variants[*].stock: type changed from integer to string");
    }

    @Test
    void turning_an_array_into_something_else_is_reported_once_at_the_array() {
        property("/properties/variants").put("type", "object");

        assertThat(violations()).containsExactly("$.variants: type changed from array to object");
    }

    @Test
    void removing_an_enum_value_fails() {
        property("/properties/status").putArray("enum").add("DRAFT").add("ACTIVE");

        assertThat(violations()).containsExactly("$.status: enum values removed: [\"RETIRED\"]");
    }

    @Test
    void adding_an_enum_value_or_dropping_the_enum_passes() {
        ((ArrayNode) property("/properties/status").get("enum")).add("ARCHIVED");
        assertThat(violations()).isEmpty();

        property("/properties/status").remove("enum");
        assertThat(violations()).isEmpty();
    }

    @Test
    void restricting_a_free_field_to_an_enum_fails() {
        property("/properties/price/properties/currency").putArray("enum").add("EUR");

        assertThat(violations()).singleElement().asString().startsWith("$.price.currency: enum [\"EUR\"] added");
    }

    @Test
    void turning_additional_properties_false_fails_and_turning_it_true_passes() {
        property("/properties/price").put("additionalProperties", false);
        assertThat(violations()).singleElement().asString().startsWith("$.price: additionalProperties turned false");

        assertThat(SchemaCompatibility.violations(current, published)).isEmpty();
    }

    @Test
    void adding_or_changing_a_format_fails_and_dropping_one_passes() {
        property("/properties/title").put("format", "uuid");
        property("/properties/updatedAt").put("format", "date");
        property("/properties/productId").remove("format");

        assertThat(violations())
                .containsExactly(
                        "$.title: format \"uuid\" added", "$.updatedAt: format changed from \"date-time\" to \"date\"");
    }

    @Test
    void changing_a_description_passes() {
        property("/properties/price/properties/amount").put("description", "Something else entirely.");
        current.put("description", "New words.");

        assertThat(violations()).isEmpty();
    }

    @Test
    void changing_a_keyword_the_check_does_not_understand_fails() {
        property("/properties/title").put("maxLength", 80);

        assertThat(violations())
                .singleElement()
                .asString()
                .startsWith("$.title: keyword 'maxLength' changed from absent to 80")
                .contains("cannot prove this change compatible");
    }

    @Test
    void every_violation_is_reported_at_once() {
        property("/properties").remove("title");
        property("/properties/price/properties/amount").put("type", "number");
        property("/properties/variants/items").put("additionalProperties", false);

        assertThat(violations()).hasSize(3);
    }

    @Test
    void property_names_that_are_not_identifiers_are_quoted_in_the_path() {
        ((ObjectNode) published.get("properties")).putObject("x.y").put("type", "string");

        assertThat(violations()).containsExactly("$['x.y']: property removed");
    }
}
