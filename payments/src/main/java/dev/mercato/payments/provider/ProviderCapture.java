package dev.mercato.payments.provider;

import dev.mercato.plane.Money;
import java.time.Instant;

/**
 * @param reference the provider's id of the capture
 * @param authorization the provider's id of the authorization captured
 */
public record ProviderCapture(String reference, String authorization, Money amount, Instant at) {}
