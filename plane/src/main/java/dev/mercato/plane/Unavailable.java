package dev.mercato.plane;

import java.time.Duration;
import java.util.Objects;

/**
 * Something this request needs (a payment provider, a store) is failing right now; trying again later
 * may work. Answered with a 503 problem+json and a {@code Retry-After}.
 */
public class Unavailable extends RuntimeException {

    private final String type;
    private final Duration retryAfter;

    public Unavailable(String type, String detail, Duration retryAfter) {
        super(detail);
        this.type = Objects.requireNonNull(type, "type");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public String type() {
        return type;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
