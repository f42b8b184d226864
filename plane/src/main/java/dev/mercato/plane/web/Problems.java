package dev.mercato.plane.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RFC 9457 problem documents as every capability writes them: a stable {@code type} under one base URI, a
 * title derived from it, the status, a detail a person can act on, and extra members. The HTTP layer
 * answers exceptions with these; checkout stores them, since a retried request must get the very same
 * answer.
 */
public final class Problems {

    /** The base of every problem type Mercato answers with. */
    public static final String TYPES = "https://mercato.dev/problems/";

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {}

    /** {@code out-of-stock} reads "Out of stock". */
    public static String title(String type) {
        String words = type.replace('-', ' ');
        return Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    /** The members of a problem document, in the order RFC 9457 lists them, then {@code properties}. */
    public static Map<String, Object> document(int status, String type, String detail, Map<String, Object> properties) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", TYPES + type);
        doc.put("title", title(type));
        doc.put("status", status);
        doc.put("detail", detail);
        doc.putAll(properties);
        return doc;
    }
}
