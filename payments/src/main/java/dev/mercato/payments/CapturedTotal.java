package dev.mercato.payments;

import dev.mercato.plane.MerchantId;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One merchant's payments authorized on one UTC day that were captured since (captured or refunded now,
 * a refund coming only after a capture), in one currency: what the warehouse is reconciled against.
 *
 * @param captured the sum of their amounts
 */
public record CapturedTotal(MerchantId merchant, LocalDate date, String currency, long payments, BigDecimal captured) {}
