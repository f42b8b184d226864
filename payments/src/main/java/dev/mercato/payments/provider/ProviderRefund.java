package dev.mercato.payments.provider;

import dev.mercato.plane.Money;
import java.time.Instant;

/**
 * @param reference the provider's id of the refund
 * @param authorization the provider's id of the authorization whose capture is paid back
 */
public record ProviderRefund(String reference, String authorization, Money amount, Instant at) {}
