package dev.mercato.plane.events;

import dev.mercato.plane.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * "My write was event {@code sequence} of aggregate {@code key}, published by {@code source}." A derived
 * view that has applied that sequence for that key has seen the write. Opaque to clients
 * ({@code Mercato-Consistency-Token} header).
 */
public record ConsistencyToken(String source, String key, long sequence) {

    /** The stream the sequence counts within, as {@link Event#streamKey()} names it. */
    public String streamKey() {
        return source + ":" + key;
    }

    public String encode() {
        String raw = source + "\n" + key + "\n" + sequence;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static ConsistencyToken decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n");
            if (parts.length != 3) {
                throw new IllegalArgumentException("3 parts expected");
            }
            return new ConsistencyToken(parts[0], parts[1], Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("Mercato-Consistency-Token", "is not a token this API returned");
        }
    }

    /** The one or more tokens a write returns, joined for one header. */
    public static String header(java.util.List<ConsistencyToken> tokens) {
        return String.join(",", tokens.stream().map(ConsistencyToken::encode).toList());
    }
}
