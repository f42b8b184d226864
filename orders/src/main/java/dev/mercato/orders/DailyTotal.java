package dev.mercato.orders;

import dev.mercato.plane.MerchantId;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One merchant's orders placed on one UTC day, in one currency, whatever their status now: what the
 * warehouse is reconciled against.
 *
 * @param total the sum of the orders' totals
 */
public record DailyTotal(MerchantId merchant, LocalDate date, String currency, long orders, BigDecimal total) {}
