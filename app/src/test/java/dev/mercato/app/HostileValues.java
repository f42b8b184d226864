package dev.mercato.app;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The dictionary of hostile values the fuzzer puts in every declared input. A body value is raw JSON
 * (bytes, so invalid UTF-8 and tokens no JSON library would write can be sent); a parameter value is
 * already percent-encoded for a URL (or raw, for a header).
 */
final class HostileValues {

    /** A body value: raw JSON that replaces a field's value. {@code DUPLICATE} repeats the field instead. */
    record Json(String label, byte[] bytes) {
        static Json of(String label, String json) {
            return new Json(label, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The marker for "this field twice, the second time with another value". */
    static final Json DUPLICATE = Json.of("duplicate key", "");

    /** A parameter value: percent-encoded for path and query, as is for a header. */
    record Param(String label, String encoded) {}

    private HostileValues() {}

    static List<Json> json() {
        List<Json> values = new ArrayList<>();
        // text: controls (C0, DEL, C1), NUL, lone and reversed surrogates, bidi, noncharacters, size
        values.add(Json.of("NUL", "\"\\u0000\""));
        values.add(Json.of("NUL inside", "\"ab\\u0000cd\""));
        values.add(Json.of("C0 SOH", "\"\\u0001\""));
        values.add(Json.of("C0 ESC", "\"a\\u001bb\""));
        values.add(Json.of("tab and newline", "\"a\\tb\\nc\""));
        values.add(Json.of("DEL", "\"a\\u007fb\""));
        values.add(Json.of("C1 NEL", "\"a\\u0085b\""));
        values.add(Json.of("C1 CSI", "\"\\u009b\""));
        values.add(Json.of("lone high surrogate", "\"a\\ud800b\""));
        values.add(Json.of("lone low surrogate", "\"\\udc00\""));
        values.add(Json.of("reversed surrogates", "\"\\udc00\\ud800\""));
        values.add(Json.of("bidi override", "\"\\u202egnp.exe\""));
        values.add(Json.of("noncharacter", "\"\\uffff\""));
        values.add(Json.of("emoji", "\"\uD83D\uDCA5\""));
        values.add(Json.of("empty", "\"\""));
        values.add(Json.of("blank", "\"   \""));
        values.add(Json.of("70k string", "\"" + "x".repeat(70_001) + "\""));
        values.add(Json.of("sql", "\"' OR 1=1 --\""));
        values.add(raw("invalid UTF-8 (C3 28)", "\"a", new byte[] {(byte) 0xC3, 0x28}, "\""));
        values.add(raw("invalid UTF-8 (FF)", "\"", new byte[] {(byte) 0xFF}, "\""));
        values.add(raw("overlong NUL (C0 80)", "\"", new byte[] {(byte) 0xC0, (byte) 0x80}, "\""));
        values.add(raw("encoded surrogate (ED A0 80)", "\"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\""));
        // numbers: extremes, exponents, fractions for integers, non-numbers
        for (String n : List.of(
                "0",
                "-1",
                "7.9",
                "-0",
                "-0.0",
                "1.0",
                "1E2",
                "2147483648",
                "-2147483649",
                "9223372036854775808",
                "-9223372036854775809",
                "123456789012345678901234567890",
                "1e400",
                "-1e400",
                "1e-400",
                "1e999999999",
                "0.1e-999999999")) {
            values.add(Json.of(n, n));
        }
        values.add(Json.of("NaN", "NaN"));
        values.add(Json.of("Infinity", "-Infinity"));
        values.add(Json.of("hex", "0x10"));
        values.add(Json.of("number as string", "\"7\""));
        values.add(Json.of("amount with exponent", "\"1e400\""));
        values.add(Json.of("huge amount", "\"99999999999999999999999999.99\""));
        // wrong JSON types
        values.add(Json.of("null", "null"));
        values.add(Json.of("true", "true"));
        values.add(Json.of("object", "{\"a\":\"b\"}"));
        values.add(Json.of("empty object", "{}"));
        values.add(Json.of("array", "[\"x\"]"));
        values.add(Json.of("empty array", "[]"));
        // size and shape
        values.add(Json.of("100k-element array", "[" + "0,".repeat(99_999) + "0]"));
        values.add(Json.of("100k-string array", "[" + "\"x\",".repeat(99_999) + "\"x\"]"));
        values.add(Json.of("object of 50k keys", object(50_000)));
        values.add(Json.of("deep arrays", "[".repeat(3_000) + "]".repeat(3_000)));
        values.add(Json.of("deep objects", "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000)));
        values.add(DUPLICATE);
        return List.copyOf(values);
    }

    static List<Param> params() {
        return List.of(
                new Param("NUL", "%00"),
                new Param("NUL inside", "ab%00cd"),
                new Param("C0 SOH", "%01"),
                new Param("C0 ESC", "a%1Bb"),
                new Param("tab and newline", "a%09b%0Ac"),
                new Param("DEL", "a%7Fb"),
                new Param("C1 NEL", "a%C2%85b"),
                new Param("encoded surrogate", "%ED%A0%80"),
                new Param("invalid UTF-8", "%FF"),
                new Param("overlong NUL", "%C0%80"),
                new Param("bidi override", "%E2%80%AEx"),
                new Param("empty", ""),
                new Param("70k string", "x".repeat(70_001)),
                new Param("7.9", "7.9"),
                new Param("-0", "-0"),
                new Param("1e400", "1e400"),
                new Param("-1e400", "-1e400"),
                new Param("9223372036854775808", "9223372036854775808"),
                new Param("-9223372036854775809", "-9223372036854775809"),
                new Param("NaN", "NaN"),
                new Param("Infinity", "Infinity"),
                new Param("object", "%7B%7D"),
                new Param("array", "%5B%5D"),
                new Param("path traversal", "..%2F..%2Fetc"),
                new Param("percent", "%25"));
    }

    /** Whole-body mutations: what arrives in place of the JSON document. */
    static List<Json> bodies(byte[] valid) {
        List<Json> values = new ArrayList<>();
        values.add(Json.of("empty body", ""));
        values.add(Json.of("not JSON", "hello"));
        values.add(Json.of("single quotes", "{'a':1}"));
        values.add(new Json("truncated JSON", java.util.Arrays.copyOf(valid, Math.max(1, valid.length / 2))));
        values.add(Json.of("trailing garbage", new String(valid, StandardCharsets.UTF_8) + " x"));
        values.add(Json.of("two documents", new String(valid, StandardCharsets.UTF_8) + "{}"));
        values.add(raw("byte-order mark", "", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{}"));
        values.add(raw("invalid UTF-8 body", "{\"", new byte[] {(byte) 0xFE, (byte) 0xFF}, "\":1}"));
        values.add(Json.of("comment", "/* x */ {}"));
        return List.copyOf(values);
    }

    private static String object(int keys) {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < keys; i++) {
            s.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        return s.append('}').toString();
    }

    private static Json raw(String label, String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return new Json(label, out.toByteArray());
    }
}
