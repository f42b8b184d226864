package dev.mercato.app.web;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.security.Caller;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The contract document at {@code /api/v1/openapi.json}: generated from the controllers, plus what they
 * cannot say themselves — the bearer scheme every protected route takes, and the problem+json shape of
 * every error answer.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";

    static {
        // The caller is resolved from the bearer token by the server (CallerArguments), never sent by a client:
        // without this every protected operation listed a required "caller" query parameter.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    /** RFC 9457 problem details as every error answer carries them. */
    static Schema<?> problemSchema() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty("field", new StringSchema().example("price.amount"))
                .addProperty("message", new StringSchema().example("must be a decimal number"));
        return new ObjectSchema()
                .description("RFC 9457 problem details. The type names the fault and is stable; validation errors add"
                        + " errors, one per field at fault; a problem may carry further members that identify what"
                        + " it is about (checkoutId, skus, ...)")
                .addProperty(
                        "type", new StringSchema().format("uri").example("https://mercato.dev/problems/out-of-stock"))
                .addProperty("title", new StringSchema().example("Conflict"))
                .addProperty("status", new IntegerSchema().example(409))
                .addProperty("detail", new StringSchema().example("Not enough stock for SKU-1: 1 available"))
                .addProperty("instance", new StringSchema().example("/api/v1/orders"))
                .addProperty("errors", new ArraySchema().items(fieldError))
                .additionalProperties(true)
                .required(java.util.List.of("type", "title", "status"));
    }

    @Bean
    OpenAPI mercatoOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("Mercato API")
                        .version("v1")
                        .description("A composable-commerce backend on a commerce data plane. Errors are"
                                + " application/problem+json; money is {\"amount\": \"19.99\", \"currency\": \"EUR\"};"
                                + " lists take ?limit=&cursor= and answer next. Reads served from a derived view carry"
                                + " Mercato-Freshness; writes return Mercato-Consistency-Token.")
                        .license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0")))
                // Relative: the document is the same whatever host and port serve it, so the snapshot in
                // docs/openapi.json (what clients are generated from) can be compared with it.
                .addServersItem(new Server().url("/").description("The platform serving this document"))
                .components(new Components()
                        .addSecuritySchemes(
                                BEARER,
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .bearerFormat("JWT")
                                        .description("Claims sub, role (customer | merchant | admin) and, for"
                                                + " merchants, merchant. In embedded mode POST /api/v1/dev/tokens"
                                                + " issues one."))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /**
     * What every operation shares, said once: the problem answers any operation may give (400, 401, 403, 404,
     * and 413 and 415 for one that takes a body), the problem+json body of every error answer a controller
     * documents by status and description only, summaries, the carts' optional authentication, and the buy
     * flow's examples.
     */
    @Bean
    OpenApiCustomizer problemResponses() {
        return api -> {
            if (api.getComponents().getSchemas() == null
                    || !api.getComponents().getSchemas().containsKey(PROBLEM)) {
                api.getComponents().addSchemas(PROBLEM, problemSchema());
            }
            api.getPaths()
                    .forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
                        if (op.getSummary() == null && op.getOperationId() != null) {
                            op.setSummary(sentence(op.getOperationId()));
                        }
                        if (op.getResponses() == null) {
                            return;
                        }
                        Map<String, String> answers = new java.util.LinkedHashMap<>(Map.of(
                                "400", "Invalid input, naming the field at fault",
                                "401", "No valid bearer token",
                                "403", "The caller's role may not do this",
                                "404", "Not found, or not visible to this caller"));
                        if (op.getRequestBody() != null) {
                            answers.put("413", "payload-too-large: the body is over the size limit");
                            answers.put("415", "unsupported-media-type: send application/json");
                        }
                        answers.forEach((status, description) -> {
                            if (!op.getResponses().containsKey(status)) {
                                op.getResponses().addApiResponse(status, problem(description));
                            }
                        });
                        // Every error answer is a problem. A controller documents one by status and description;
                        // springdoc would give it the method's own return type (a String body's "string").
                        op.getResponses().forEach((status, answer) -> {
                            if ((status.startsWith("4") || status.startsWith("5"))
                                    && answer.get$ref() == null
                                    && (answer.getContent() == null
                                            || !answer.getContent().containsKey("application/problem+json"))) {
                                answer.setContent(problemContent());
                            }
                            // Every 503 the platform answers says when to ask again (ProblemHandler).
                            if (status.equals("503")
                                    && (answer.getHeaders() == null
                                            || !answer.getHeaders().containsKey("Retry-After"))) {
                                answer.addHeaderObject(
                                        "Retry-After",
                                        new Header()
                                                .description("Seconds to wait before asking again")
                                                .style(Header.StyleEnum.SIMPLE)
                                                .schema(new IntegerSchema().format(null)));
                            }
                        });
                        examples(op);
                    }));
        };
    }

    /**
     * Examples of the buy flow the README walks through, by operation id: the request body, and answers by
     * status. Parsed, so they appear in the document as JSON, not as strings; the build checks each against its
     * schema (OpenApiIntegrationTest) and the linter does too.
     */
    static final Map<String, Map<String, String>> EXAMPLES = Map.of(
            "issueDevToken",
            Map.of(
                    "request",
                    "{\"role\":\"customer\",\"subject\":\"ada\"}",
                    "200",
                    "{\"token\":\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl\",\"tokenType\":\"Bearer\","
                            + "\"expiresAt\":\"2026-12-06T22:00:00Z\"}"),
            "upsertProduct",
            Map.of(
                    "request",
                    "{\"sku\":\"HOM-TEAPOT-1\",\"title\":\"Zebra Teapot\",\"description\":\"Cast iron, 1.2 l\","
                            + "\"category\":\"home/kitchen/teapots\",\"price\":{\"amount\":\"39.00\",\"currency\":\"EUR\"},"
                            + "\"attributes\":{\"colour\":\"black\"}}"),
            "setStockLevel",
            Map.of(
                    "request",
                    "{\"onHand\":30}",
                    "200",
                    "{\"sku\":\"HOM-TEAPOT-1\",\"onHand\":30,\"reserved\":2,\"available\":28}"),
            "setCartItemQuantity",
            Map.of("request", "{\"quantity\":2}"),
            "checkout",
            Map.of(
                    "request",
                    "{\"cartId\":\"c-01HZY3K7Q2\",\"payment\":{\"token\":\"tok_visa\"}}",
                    "201",
                    "{\"id\":\"o-01HZY3M1F8\",\"status\":\"placed\",\"merchant\":\"casa-bella\",\"customer\":\"ada\","
                            + "\"lines\":[{\"sku\":\"HOM-KNIV-001\",\"title\":\"Chef's knife\",\"category\":\"home/kitchen/knives\","
                            + "\"quantity\":2,\"unitPrice\":{\"amount\":\"49.90\",\"currency\":\"EUR\"},"
                            + "\"lineTotal\":{\"amount\":\"99.80\",\"currency\":\"EUR\"}}],"
                            + "\"subtotal\":{\"amount\":\"99.80\",\"currency\":\"EUR\"},"
                            + "\"total\":{\"amount\":\"99.80\",\"currency\":\"EUR\"},\"itemCount\":2,\"version\":1,"
                            + "\"placedAt\":\"2026-12-06T10:15:30.123456Z\",\"updatedAt\":\"2026-12-06T10:15:30.123456Z\","
                            + "\"history\":[{\"to\":\"placed\",\"reason\":\"\",\"at\":\"2026-12-06T10:15:30.123456Z\"}]}",
                    "409",
                    "{\"type\":\"https://mercato.dev/problems/out-of-stock\",\"title\":\"Conflict\",\"status\":409,"
                            + "\"detail\":\"Not enough stock: HOM-KNIV-001 (2 asked, 1 available); nothing was charged\","
                            + "\"checkoutId\":\"o-01HZY3M1F8\",\"skus\":[\"HOM-KNIV-001\"]}"));

    private static void examples(Operation op) {
        Map<String, String> examples = EXAMPLES.get(op.getOperationId());
        if (examples == null) {
            return;
        }
        examples.forEach((at, json) -> {
            Object value = EventJson.read(json, Object.class);
            Content content = at.equals("request")
                    ? op.getRequestBody() == null ? null : op.getRequestBody().getContent()
                    : op.getResponses().get(at) == null
                            ? null
                            : op.getResponses().get(at).getContent();
            if (content == null) {
                throw new IllegalStateException(
                        "No " + at + " content to put an example in for " + op.getOperationId());
            }
            content.values().forEach(media -> media.setExample(value));
        });
    }

    /** {@code listOrders_1} as "List orders": a summary for an operation that has none of its own. */
    static String sentence(String operationId) {
        String words = operationId
                .replaceAll("_\\d+$", "")
                .replaceAll("([a-z0-9])([A-Z])", "$1 $2")
                .toLowerCase(java.util.Locale.ROOT);
        return words.isEmpty() ? operationId : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    private static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(problemContent());
    }

    private static Content problemContent() {
        return new Content()
                .addMediaType(
                        "application/problem+json",
                        new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)));
    }
}
