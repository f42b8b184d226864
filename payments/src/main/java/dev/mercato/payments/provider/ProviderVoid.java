package dev.mercato.payments.provider;

import dev.mercato.plane.Money;
import java.time.Instant;
import java.util.Map;

/**
 * A released authorization, with what the provider kept of it: enough for a caller that never learnt of
 * the authorization to record it.
 *
 * @param reference the provider's id of the void
 * @param authorization the provider's id of the authorization released
 * @param amount the amount that was held
 * @param metadata the metadata the authorization was made with
 * @param authorizedAt when the authorization was made
 */
public record ProviderVoid(
        String reference,
        String authorization,
        Money amount,
        Map<String, String> metadata,
        Instant authorizedAt,
        Instant at) {

    public ProviderVoid {
        metadata = Map.copyOf(metadata);
    }
}
