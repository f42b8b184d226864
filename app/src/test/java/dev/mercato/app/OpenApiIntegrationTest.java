package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
        // Kept for inspection (python3 -m json.tool, a linter such as Redocly): the document as served.
        Files.writeString(Path.of("target", "openapi.json"), response.body());
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
}
