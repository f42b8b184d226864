package dev.mercato.plane.events.schema;

import dev.mercato.plane.events.EventJson;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** What the compatibility check and the validator share: reading a schema's keywords and naming paths. */
final class SchemaNodes {

    static final Set<String> TYPE_NAMES = Set.of("string", "integer", "number", "boolean", "object", "array", "null");

    /** The empty schema, which admits anything. Never handed out of this package. */
    static final JsonNode EMPTY = EventJson.mapper().createObjectNode();

    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private SchemaNodes() {}

    /** The path of a property below {@code parent}: {@code $.price.amount}, or {@code $['odd.name']}. */
    static String child(String parent, String property) {
        if (PLAIN_NAME.matcher(property).matches()) {
            return parent + "." + property;
        }
        return parent + "['" + property.replace("\\", "\\\\").replace("'", "\\'") + "']";
    }

    /** The path of an array's items below {@code parent}: {@code $.lines[*]}. */
    static String items(String parent) {
        return parent + "[*]";
    }

    /** The types a schema allows, in their written order; {@code null} when it has no {@code type} (any type). */
    static Set<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type == null || type.isNull()) {
            return null;
        }
        Set<String> types = new LinkedHashSet<>();
        if (type.isArray()) {
            type.values().forEach(t -> types.add(t.asString()));
        } else {
            types.add(type.asString());
        }
        return types;
    }

    /** Whether a set of types (null: any) admits values of {@code type}; {@code number} admits integers. */
    static boolean admits(Set<String> types, String type) {
        return types == null || types.contains(type) || ("integer".equals(type) && types.contains("number"));
    }

    static String describe(Set<String> types) {
        if (types == null) {
            return "any";
        }
        return types.size() == 1 ? types.iterator().next() : types.toString();
    }

    /** The JSON type name of a value, as a schema would spell it. */
    static String typeOf(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isString()) {
            return "string";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isObject()) {
            return "object";
        }
        if (value.isArray()) {
            return "array";
        }
        if (value.isNumber()) {
            return isInteger(value) ? "integer" : "number";
        }
        return value.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** JSON Schema's integer: a number with no fractional part, {@code 3.0} included. */
    static boolean isInteger(JsonNode value) {
        return value.isIntegralNumber() || (value.isNumber() && value.canConvertToExactIntegral());
    }

    /** A keyword's value as a sub-schema: absent or {@code true} mean "anything", as an empty schema. */
    static JsonNode subschema(JsonNode schema, String keyword) {
        JsonNode sub = schema.get(keyword);
        if (sub == null || sub.isNull() || (sub.isBoolean() && sub.booleanValue())) {
            return EMPTY;
        }
        return sub;
    }

    static boolean isFalse(JsonNode node) {
        return node != null && node.isBoolean() && !node.booleanValue();
    }
}
