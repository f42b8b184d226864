package dev.mercato.orders.events;

import dev.mercato.plane.web.MoneyJson;

/** An order line as events carry it. */
public record MoneyLine(
        String sku, String title, String category, int quantity, MoneyJson unitPrice, MoneyJson lineTotal) {}
