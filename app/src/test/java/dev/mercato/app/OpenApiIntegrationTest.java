package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.schema.PayloadValidator;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/** The published contract names every route the platform serves, and how to authenticate. */
class OpenApiIntegrationTest extends PlatformIntegrationTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void the_openapi_document_lists_every_route_with_the_bearer_scheme_and_problem_answers() throws Exception {
        var response = send("GET", "/api/v1/openapi.json", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = json(response);
        assertThat(doc.get("openapi").asString()).startsWith("3.");
        assertThat(doc.at("/components/securitySchemes/bearer/scheme").asString())
                .isEqualTo("bearer");

        Set<String> documented = new TreeSet<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .propertyNames()
                        .forEach(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/v1/") && !pattern.startsWith("/api/v1/openapi")) {
                    info.getMethodsCondition().getMethods().forEach(m -> served.add(m.name() + " " + pattern));
                }
            }
        });
        assertThat(documented).containsAll(served);
        assertThat(doc.at("/paths/~1api~1v1~1orders/post/responses/404/content/application~1problem+json/schema/$ref")
                        .asString())
                .isEqualTo("#/components/schemas/Problem");
        JsonNode busy = doc.at("/paths/~1api~1v1~1orders/post/responses/503");
        assertThat(busy.get("description").asString()).contains("checkout-overloaded");
        assertThat(busy.at("/headers/Retry-After/schema/type").asString()).isEqualTo("integer");
    }

    /**
     * What a client generator needs: a document a real OpenAPI parser reads without a message, every
     * reference resolving, no server-side argument or framework route published, every operation summarised
     * with a unique id, and answers with their real media types. The document is also written to
     * {@code target/openapi.json}, where CI lints it with an outside linter (.ci/run).
     */
    @Test
    void the_openapi_document_parses_without_messages_and_every_reference_resolves() throws Exception {
        var response = send("GET", "/api/v1/openapi.json", null, null);
        assertThat(response.statusCode()).isEqualTo(200);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "openapi.json"), response.body());

        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body(), null, options);
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();

        JsonNode doc = json(response);
        List<String> unresolved = new ArrayList<>();
        references(doc, unresolved, doc);
        assertThat(unresolved).as("references that resolve to nothing").isEmpty();

        assertThat(doc.get("paths").propertyNames()).allMatch(p -> p.startsWith("/api/v1/"));
        Set<String> ids = new TreeSet<>();
        List<String> faults = new ArrayList<>();
        doc.get("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(entry -> {
                    String operation = entry.getKey().toUpperCase() + " " + path.getKey();
                    JsonNode op = entry.getValue();
                    if (op.path("summary").asString("").isBlank()) {
                        faults.add(operation + ": no summary");
                    }
                    if (!ids.add(op.path("operationId").asString(""))) {
                        faults.add(operation + ": operationId missing or not unique");
                    }
                    for (JsonNode parameter : op.path("parameters")) {
                        if (parameter.path("name").asString().equals("caller")) {
                            faults.add(operation + ": publishes the server-side caller argument");
                        }
                    }
                    op.path("responses")
                            .properties()
                            .forEach(answer -> answer.getValue()
                                    .path("content")
                                    .propertyNames()
                                    .forEach(media -> {
                                        if (media.equals("*/*")) {
                                            faults.add(operation + " " + answer.getKey() + ": content type */*");
                                        }
                                    }));
                }));
        assertThat(faults).isEmpty();

        JsonNode checkout = doc.at("/paths/~1api~1v1~1orders/post");
        assertThat(checkout.at("/responses/201/content/application~1json/schema")
                        .isMissingNode())
                .as("checkout answers 201 with the order as JSON")
                .isFalse();
        List<String> required = new ArrayList<>();
        checkout.path("parameters").forEach(p -> {
            if (p.path("required").asBoolean(false)) {
                required.add(p.path("name").asString());
            }
        });
        assertThat(required).contains("Idempotency-Key");
    }

    /** Every example the document gives is valid under the schema it illustrates. */
    @Test
    void every_example_matches_its_schema() throws Exception {
        JsonNode doc = json(send("GET", "/api/v1/openapi.json", null, null));
        List<String> faults = new ArrayList<>();
        int checked = 0;
        for (var path : doc.get("paths").properties()) {
            for (var method : path.getValue().properties()) {
                JsonNode op = method.getValue();
                List<JsonNode> contents = new ArrayList<>();
                contents.add(op.path("requestBody").path("content"));
                op.path("responses")
                        .properties()
                        .forEach(r -> contents.add(r.getValue().path("content")));
                for (JsonNode content : contents) {
                    for (var media : content.properties()) {
                        JsonNode example = media.getValue().get("example");
                        if (example == null) {
                            continue;
                        }
                        checked++;
                        JsonNode schema = inline(media.getValue().path("schema"), doc, 0);
                        PayloadValidator.violations(schema, example)
                                .forEach(v -> faults.add(
                                        method.getKey() + " " + path.getKey() + " " + media.getKey() + ": " + v));
                    }
                }
            }
        }
        assertThat(checked).as("examples in the document").isGreaterThanOrEqualTo(8);
        assertThat(faults).isEmpty();
    }

    /** The schema with its references replaced by what they point at (a few levels deep). */
    private static JsonNode inline(JsonNode schema, JsonNode doc, int depth) {
        if (depth > 8 || schema == null) {
            return schema;
        }
        if (schema.isObject()) {
            JsonNode ref = schema.get("$ref");
            if (ref != null) {
                return inline(doc.at(ref.asString().substring(1)), doc, depth + 1);
            }
            var copy = tools.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            schema.properties().forEach(e -> copy.set(e.getKey(), inline(e.getValue(), doc, depth + 1)));
            return copy;
        }
        if (schema.isArray()) {
            var copy = tools.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            schema.forEach(e -> copy.add(inline(e, doc, depth + 1)));
            return copy;
        }
        return schema;
    }

    /**
     * The served document is the one in docs/openapi.json, from which the build generates a client
     * (GeneratedClientIntegrationTest): an API change shows as a change to that file, reviewed with the code.
     * After a deliberate change, {@code -Dmercato.openapi.update=true} rewrites it.
     */
    @Test
    void the_served_document_is_the_published_snapshot() throws Exception {
        var response = send("GET", "/api/v1/openapi.json", null, null);
        JsonNode served = json(response);
        Path snapshot = Path.of("..", "docs", "openapi.json");
        if (Boolean.getBoolean("mercato.openapi.update")) {
            Files.writeString(
                    snapshot,
                    EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(served) + "\n");
        }
        assertThat(Files.exists(snapshot)).as(snapshot + " exists").isTrue();
        assertThat(served)
                .as("the served document differs from docs/openapi.json; if the API change is deliberate, run"
                        + " ./mvnw -pl app -am verify -Dit.test=OpenApiIntegrationTest -Dmercato.openapi.update=true"
                        + " and review the diff")
                .isEqualTo(EventJson.tree(Files.readString(snapshot)));
    }

    /** Collects every {@code $ref} under {@code node} that does not point at something in {@code doc}. */
    private static void references(JsonNode node, List<String> unresolved, JsonNode doc) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isString()) {
                String target = ref.asString();
                if (!target.startsWith("#") || doc.at(target.substring(1)).isMissingNode()) {
                    unresolved.add(target);
                }
            }
            node.properties().forEach(e -> references(e.getValue(), unresolved, doc));
        } else if (node.isArray()) {
            node.forEach(child -> references(child, unresolved, doc));
        }
    }
}
