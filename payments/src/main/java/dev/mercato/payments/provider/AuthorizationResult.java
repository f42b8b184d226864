package dev.mercato.payments.provider;

import dev.mercato.plane.Money;
import java.time.Instant;
import java.util.Map;

/** The provider's answer to an authorization: approved with a hold, or declined with a reason. */
public sealed interface AuthorizationResult {

    /** The provider's id of the authorization (declined attempts get one too, as with real providers). */
    String reference();

    Money amount();

    Instant at();

    record Approved(String reference, Money amount, Map<String, String> metadata, Instant at)
            implements AuthorizationResult {
        public Approved {
            metadata = Map.copyOf(metadata);
        }
    }

    /** @param reason a stable code: {@code card-declined}, {@code insufficient-funds}, {@code amount-too-large} */
    record Declined(String reference, String reason, Money amount, Instant at) implements AuthorizationResult {}
}
