package dev.mercato.plane.events.schema;

import static dev.mercato.plane.events.schema.SchemaNodes.admits;
import static dev.mercato.plane.events.schema.SchemaNodes.child;
import static dev.mercato.plane.events.schema.SchemaNodes.describe;
import static dev.mercato.plane.events.schema.SchemaNodes.isFalse;
import static dev.mercato.plane.events.schema.SchemaNodes.subschema;
import static dev.mercato.plane.events.schema.SchemaNodes.typeOf;
import static dev.mercato.plane.events.schema.SchemaNodes.types;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Checks a payload against its schema, within the subset the schemas use: {@code type}, {@code required},
 * {@code properties}, {@code additionalProperties}, {@code items}, {@code enum}, and the formats {@code
 * date-time}, {@code date} and {@code uuid} (other formats and keywords are not checked). Meant for
 * producers' tests: {@code assertThat(PayloadValidator.violations(event)).isEmpty()}.
 */
public final class PayloadValidator {

    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private PayloadValidator() {}

    /** What is wrong with {@code payload} under {@code schema}, each with its JSON path; empty when valid. */
    public static List<String> violations(JsonNode schema, JsonNode payload) {
        List<String> out = new ArrayList<>();
        validate(schema, payload, "$", out);
        return List.copyOf(out);
    }

    /** The same for an event, against its type's schema on the classpath ({@link EventSchemas#load}). */
    public static List<String> violations(Event event) {
        return violations(EventSchemas.load(event.type()), EventJson.tree(event.data()));
    }

    /** Throws {@link IllegalArgumentException} listing the violations when the event's payload is invalid. */
    public static void requireValid(Event event) {
        List<String> violations = violations(event);
        if (!violations.isEmpty()) {
            throw new IllegalArgumentException(
                    "Payload of " + event.type() + " does not match its schema:\n  " + String.join("\n  ", violations));
        }
    }

    private static void validate(JsonNode schema, JsonNode value, String path, List<String> out) {
        if (isFalse(schema)) {
            out.add(path + ": no value is allowed here");
            return;
        }
        if (!schema.isObject()) {
            return; // true, or not a schema this subset understands
        }
        Set<String> types = types(schema);
        String actual = typeOf(value);
        if (!admits(types, actual)) {
            out.add(path + ": expected " + describe(types) + " but was " + actual);
            return;
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && allowed.isArray() && !allowed.values().contains(value)) {
            out.add(path + ": " + value + " is not one of " + allowed);
        }
        JsonNode format = schema.get("format");
        if (format != null && value.isString() && !matchesFormat(format.asString(), value.asString())) {
            out.add(path + ": " + value + " is not a " + format.asString());
        }
        if (value.isObject()) {
            validateObject(schema, value, path, out);
        } else if (value.isArray()) {
            JsonNode items = subschema(schema, "items");
            int i = 0;
            for (JsonNode item : value.values()) {
                validate(items, item, path + "[" + i++ + "]", out);
            }
        }
    }

    private static void validateObject(JsonNode schema, JsonNode value, String path, List<String> out) {
        JsonNode required = schema.get("required");
        if (required != null && required.isArray()) {
            for (JsonNode name : required.values()) {
                if (!value.has(name.asString())) {
                    out.add(child(path, name.asString()) + ": required property missing");
                }
            }
        }
        JsonNode properties = subschema(schema, "properties");
        JsonNode extra = schema.get("additionalProperties");
        for (var property : value.properties()) {
            String at = child(path, property.getKey());
            JsonNode propertySchema = properties.get(property.getKey());
            if (propertySchema != null) {
                validate(propertySchema, property.getValue(), at, out);
            } else if (isFalse(extra)) {
                out.add(at + ": property not allowed (additionalProperties is false)");
            } else {
                validate(subschema(schema, "additionalProperties"), property.getValue(), at, out);
            }
        }
    }

    private static boolean matchesFormat(String format, String value) {
        try {
            return switch (format) {
                case "date-time" -> OffsetDateTime.parse(value) != null;
                case "date" -> LocalDate.parse(value) != null;
                case "uuid" -> UUID.matcher(value).matches();
                default -> true;
            };
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
