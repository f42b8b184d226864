package dev.mercato.plane.web;

import dev.mercato.plane.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque pagination cursors: clients pass back what they were given and never build one. */
public final class Cursor {

    private Cursor() {}

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    public static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("cursor", "is not a cursor this API returned");
        }
    }
}
