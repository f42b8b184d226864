package dev.mercato.plane.events.schema;

import static dev.mercato.plane.events.schema.SchemaNodes.admits;
import static dev.mercato.plane.events.schema.SchemaNodes.child;
import static dev.mercato.plane.events.schema.SchemaNodes.describe;
import static dev.mercato.plane.events.schema.SchemaNodes.isFalse;
import static dev.mercato.plane.events.schema.SchemaNodes.subschema;
import static dev.mercato.plane.events.schema.SchemaNodes.types;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Whether a changed schema still accepts everything its published version did, and keeps every property
 * it promised. Each violation names the JSON path of the value it is about: {@code $.price.amount: type
 * changed from string to number}; properties are {@code .name}, array items {@code [*]}, extra properties
 * of an object {@code .*}.
 *
 * <p>Compatible: adding an optional property, widening a type ({@code string} to {@code ["string",
 * "null"]}, {@code integer} to {@code number}), adding enum values, dropping an enum, a format or {@code
 * "additionalProperties": false}, making a required property optional, changing annotations such as
 * {@code description}. Everything else this class understands is a violation; a keyword outside the
 * subset it understands ({@code pattern}, {@code oneOf}, {@code $ref}, ...) may not change at all, since
 * the check cannot tell whether the change narrows what is accepted.
 */
public final class SchemaCompatibility {

    /** Keywords that describe but never constrain a value: changing them is always compatible. */
    private static final Set<String> ANNOTATIONS = Set.of(
            "$schema",
            "$id",
            "$comment",
            "title",
            "description",
            "examples",
            "default",
            "deprecated",
            "readOnly",
            "writeOnly");

    /** Keywords compared by meaning. */
    private static final Set<String> UNDERSTOOD =
            Set.of("type", "properties", "required", "additionalProperties", "items", "enum", "format");

    private SchemaCompatibility() {}

    /**
     * The ways {@code current} breaks {@code published}, in schema order; empty when it is backward
     * compatible.
     */
    public static List<String> violations(JsonNode published, JsonNode current) {
        List<String> out = new ArrayList<>();
        compare(published, current, "$", out);
        return List.copyOf(out);
    }

    private static void compare(JsonNode published, JsonNode current, String path, List<String> out) {
        if (published.equals(current)) {
            return;
        }
        if (isFalse(published)) {
            return; // nothing was accepted, so anything accepts at least that
        }
        if (isFalse(current)) {
            out.add(path + ": schema changed to false, which accepts no value");
            return;
        }
        if (!published.isObject() || !current.isObject()) {
            if (!Objects.equals(published, current)) {
                out.add(path + ": schema changed from " + published + " to " + current
                        + "; only object schemas (or true/false) can be compared");
            }
            return;
        }
        Set<String> publishedTypes = types(published);
        Set<String> currentTypes = types(current);
        compareTypes(publishedTypes, currentTypes, path, out);
        compareEnum(published.get("enum"), current.get("enum"), path, out);
        compareFormat(published.get("format"), current.get("format"), path, out);
        compareOtherKeywords(published, current, path, out);
        if (admits(publishedTypes, "object") && admits(currentTypes, "object")) {
            compareObjects(published, current, path, out);
        }
        if (admits(publishedTypes, "array") && admits(currentTypes, "array")) {
            compareItems(published, current, path, out);
        }
    }

    private static void compareTypes(Set<String> published, Set<String> current, String path, List<String> out) {
        if (current == null) {
            return; // any type: the widest
        }
        boolean narrowed = published == null || published.stream().anyMatch(t -> !admits(current, t));
        if (narrowed) {
            out.add(path + ": type changed from " + describe(published) + " to " + describe(current));
        }
    }

    private static void compareEnum(JsonNode published, JsonNode current, String path, List<String> out) {
        if (current == null || current.isNull()) {
            return;
        }
        if (published == null || published.isNull()) {
            out.add(path + ": enum " + current + " added; values outside it were accepted before");
            return;
        }
        List<JsonNode> removed = new ArrayList<>();
        for (JsonNode value : published.values()) {
            if (!current.values().contains(value)) {
                removed.add(value);
            }
        }
        if (!removed.isEmpty()) {
            out.add(path + ": enum values removed: " + removed);
        }
    }

    private static void compareFormat(JsonNode published, JsonNode current, String path, List<String> out) {
        if (current == null || current.isNull() || current.equals(published)) {
            return;
        }
        if (published == null || published.isNull()) {
            out.add(path + ": format " + current + " added");
        } else {
            out.add(path + ": format changed from " + published + " to " + current);
        }
    }

    private static void compareOtherKeywords(JsonNode published, JsonNode current, String path, List<String> out) {
        Set<String> keywords = new TreeSet<>(published.propertyNames());
        keywords.addAll(current.propertyNames());
        for (String keyword : keywords) {
            if (UNDERSTOOD.contains(keyword) || ANNOTATIONS.contains(keyword)) {
                continue;
            }
            JsonNode before = published.get(keyword);
            JsonNode after = current.get(keyword);
            if (!Objects.equals(before, after)) {
                out.add(path + ": keyword '" + keyword + "' changed from " + (before == null ? "absent" : before)
                        + " to " + (after == null ? "absent" : after)
                        + "; the check understands only "
                        + UNDERSTOOD.stream().sorted().toList()
                        + " and cannot prove this change compatible");
            }
        }
    }

    private static void compareObjects(JsonNode published, JsonNode current, String path, List<String> out) {
        JsonNode publishedProperties = subschema(published, "properties");
        JsonNode currentProperties = subschema(current, "properties");
        for (var property : publishedProperties.properties()) {
            String at = child(path, property.getKey());
            JsonNode now = currentProperties.get(property.getKey());
            if (now == null) {
                out.add(at + ": property removed");
            } else {
                compare(property.getValue(), now, at, out);
            }
        }

        Set<String> wasRequired = names(published.get("required"));
        for (String name : names(current.get("required"))) {
            if (wasRequired.contains(name)) {
                continue;
            }
            if (publishedProperties.has(name)) {
                out.add(child(path, name) + ": optional property made required");
            } else {
                out.add(child(path, name) + ": new required property");
            }
        }

        JsonNode publishedExtra = published.get("additionalProperties");
        JsonNode currentExtra = current.get("additionalProperties");
        if (isFalse(publishedExtra)) {
            return;
        }
        if (isFalse(currentExtra)) {
            out.add(path + ": additionalProperties turned false; properties not listed were accepted before");
        } else {
            compare(
                    subschema(published, "additionalProperties"),
                    subschema(current, "additionalProperties"),
                    path + ".*",
                    out);
        }
    }

    private static void compareItems(JsonNode published, JsonNode current, String path, List<String> out) {
        compare(subschema(published, "items"), subschema(current, "items"), SchemaNodes.items(path), out);
    }

    private static Set<String> names(JsonNode required) {
        Set<String> names = new LinkedHashSet<>();
        if (required != null && required.isArray()) {
            required.values().forEach(n -> names.add(n.asString()));
        }
        return names;
    }
}
