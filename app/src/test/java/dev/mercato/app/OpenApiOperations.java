package dev.mercato.app;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What an OpenAPI document declares as input: every operation with its parameters and every field of its
 * JSON request body, found by walking the schemas ({@code $ref}s, nested objects, arrays and maps). A
 * reference the document cannot resolve is skipped, not fatal: the fuzzer fuzzes what is declared.
 */
final class OpenApiOperations {

    /** One place a value can be put: a parameter ({@code path}, {@code query}, {@code header}) or a body field. */
    record Slot(String in, String name, List<Object> bodyPath, String type) {

        boolean inBody() {
            return in.equals("body");
        }

        /** {@code price.amount}, {@code addresses[0].line1}, {@code (body)} for the whole body. */
        String label() {
            if (!inBody()) {
                return in + " " + name;
            }
            if (bodyPath.isEmpty()) {
                return "(body)";
            }
            StringBuilder s = new StringBuilder();
            for (Object step : bodyPath) {
                if (step instanceof Integer i) {
                    s.append('[').append(i).append(']');
                } else {
                    s.append(s.isEmpty() ? "" : ".").append(step);
                }
            }
            return s.toString();
        }
    }

    record Operation(String method, String template, List<Slot> slots, JsonNode body) {

        boolean takesJson() {
            return body != null;
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private static final int MAX_DEPTH = 6;

    private final JsonNode doc;
    private final List<String> unresolved = new ArrayList<>();

    OpenApiOperations(JsonNode doc) {
        this.doc = doc;
    }

    /** References the document makes but does not define (reported, then ignored). */
    List<String> unresolved() {
        return unresolved;
    }

    List<Operation> operations() {
        List<Operation> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            JsonNode shared = path.getValue().path("parameters");
            for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
                String method = entry.getKey().toUpperCase(Locale.ROOT);
                if (!Set.of("GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "OPTIONS")
                        .contains(method)) {
                    continue;
                }
                JsonNode op = entry.getValue();
                List<Slot> slots = new ArrayList<>();
                for (JsonNode list : List.of(shared, op.path("parameters"))) {
                    for (JsonNode p : list) {
                        JsonNode param = resolve(p);
                        if (param != null && param.hasNonNull("name")) {
                            JsonNode schema = resolve(param.path("schema"));
                            slots.add(new Slot(
                                    param.path("in").asString("query"),
                                    param.get("name").asString(),
                                    List.of(),
                                    schema == null ? "" : type(schema)));
                        }
                    }
                }
                JsonNode body = null;
                for (Map.Entry<String, JsonNode> media :
                        op.path("requestBody").path("content").properties()) {
                    if (media.getKey().contains("json")) {
                        body = resolve(media.getValue().path("schema"));
                        if (body == null) {
                            body = JsonNodeFactory.instance.objectNode();
                        }
                    }
                }
                if (body != null) {
                    slots.add(new Slot("body", "", List.of(), type(body)));
                    fields(body, new ArrayList<>(), slots, new HashSet<>(), 0);
                }
                operations.add(new Operation(method, path.getKey(), slots, body));
            }
        }
        return operations;
    }

    private void fields(JsonNode schema, List<Object> at, List<Slot> slots, Set<String> visiting, int depth) {
        if (schema == null || depth > MAX_DEPTH) {
            return;
        }
        String ref = schema.path("$ref").asString("");
        if (!ref.isEmpty() && !visiting.add(ref)) {
            return; // a recursive schema: one level of it is enough
        }
        JsonNode s = resolve(schema);
        if (s == null) {
            return;
        }
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            for (JsonNode part : s.path(combinator)) {
                fields(part, at, slots, visiting, depth + 1);
            }
        }
        for (Map.Entry<String, JsonNode> property : s.path("properties").properties()) {
            List<Object> path = new ArrayList<>(at);
            path.add(property.getKey());
            JsonNode field = resolve(property.getValue());
            slots.add(new Slot("body", property.getKey(), List.copyOf(path), field == null ? "" : type(field)));
            fields(property.getValue(), path, slots, visiting, depth + 1);
        }
        if (s.has("items")) {
            List<Object> path = new ArrayList<>(at);
            path.add(0);
            JsonNode item = resolve(s.get("items"));
            slots.add(new Slot("body", "[0]", List.copyOf(path), item == null ? "" : type(item)));
            fields(s.get("items"), path, slots, visiting, depth + 1);
        }
        JsonNode extra = s.path("additionalProperties");
        if (extra.isObject() || extra.asBoolean(false)) {
            List<Object> path = new ArrayList<>(at);
            path.add("fuzz-key");
            JsonNode value = extra.isObject() ? resolve(extra) : null;
            slots.add(new Slot("body", "fuzz-key", List.copyOf(path), value == null ? "" : type(value)));
            if (extra.isObject()) {
                fields(extra, path, slots, visiting, depth + 1);
            }
        }
        if (!ref.isEmpty()) {
            visiting.remove(ref);
        }
    }

    /** The schema a node stands for, following local {@code $ref}s; null when a reference leads nowhere. */
    JsonNode resolve(JsonNode node) {
        JsonNode current = node;
        for (int hops = 0; current != null && hops < 20; hops++) {
            if (current.isMissingNode() || current.isNull()) {
                return null;
            }
            String ref = current.path("$ref").asString("");
            if (ref.isEmpty()) {
                return current;
            }
            JsonNode target = ref.startsWith("#") ? doc.at(ref.substring(1)) : null;
            if (target == null || target.isMissingNode()) {
                unresolved.add(ref);
                return null;
            }
            current = target;
        }
        return null;
    }

    static String type(JsonNode schema) {
        if (schema.hasNonNull("type")) {
            return schema.get("type").asString();
        }
        if (schema.has("properties") || schema.has("additionalProperties")) {
            return "object";
        }
        return schema.has("items") ? "array" : "";
    }
}
