package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.app.OpenApiOperations.Operation;
import dev.mercato.app.OpenApiOperations.Slot;
import dev.mercato.plane.events.EventJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fuzzer's reading of an OpenAPI document, including the defects a served document may have. */
class OpenApiOperationsTest {

    static final String DOCUMENT = """
            {"openapi": "3.1.0",
             "paths": {
               "/things/{id}": {
                 "put": {
                   "parameters": [
                     {"name": "id", "in": "path", "schema": {"type": "string"}},
                     {"name": "caller", "in": "query", "schema": {"$ref": "#/components/schemas/Caller"}},
                     {"$ref": "#/components/parameters/Gone"}
                   ],
                   "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                   "responses": {"400": {"content": {"application/problem+json":
                       {"schema": {"$ref": "#/components/schemas/Problem"}}}}}
                 }
               }
             },
             "components": {"schemas": {
               "Thing": {"type": "object", "properties": {
                 "name": {"type": "string"},
                 "price": {"$ref": "#/components/schemas/Money"},
                 "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                 "tags": {"type": "object", "additionalProperties": {"type": "string"}},
                 "owner": {"$ref": "#/components/schemas/Missing"}
               }},
               "Money": {"type": "object", "properties": {"amount": {"type": "string"}}}
             }}}
            """;

    @Test
    void every_parameter_and_nested_field_is_a_slot_and_references_that_lead_nowhere_are_skipped() {
        OpenApiOperations document = new OpenApiOperations(EventJson.tree(DOCUMENT));
        List<Operation> operations = document.operations();
        assertThat(operations).extracting(Operation::toString).containsExactly("PUT /things/{id}");
        List<String> slots =
                operations.getFirst().slots().stream().map(Slot::label).toList();
        assertThat(slots)
                .containsExactly(
                        "path id",
                        "query caller",
                        "(body)",
                        "name",
                        "price",
                        "price.amount",
                        "parts",
                        "parts[0]",
                        "parts[0].name",
                        "parts[0].price",
                        "parts[0].price.amount",
                        "parts[0].parts",
                        "parts[0].parts[0]", // a recursive schema is walked one level into itself
                        "parts[0].tags",
                        "parts[0].tags.fuzz-key",
                        "parts[0].owner",
                        "tags",
                        "tags.fuzz-key",
                        "owner");
        assertThat(document.unresolved())
                .contains(
                        "#/components/schemas/Caller", "#/components/parameters/Gone", "#/components/schemas/Missing");
    }
}
