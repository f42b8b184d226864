package dev.mercato.inventory.reorder;

import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockLow;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Test data builder: one merchant's SKU on the shelf and the events inventory publishes as its stock
 * changes, with versions and sequences as inventory gives them (a stock-low rides with the change that
 * caused it, at the same version).
 */
final class Shelf {

    static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    final String merchant;
    final String sku;
    final int threshold;
    private long version;
    private long sequence;
    private int onHand;
    private int reserved;
    private boolean everLow;

    private Shelf(String merchant, String sku, int threshold) {
        this.merchant = merchant;
        this.sku = sku;
        this.threshold = threshold;
    }

    static Shelf aSku(String merchant, String sku, int threshold) {
        return new Shelf(merchant, sku, threshold);
    }

    int available() {
        return onHand - reserved;
    }

    int reserved() {
        return reserved;
    }

    /** What the view should list as open for this SKU: only a SKU that went low and is still under. */
    boolean shouldBeOpen() {
        return everLow && available() < threshold;
    }

    /** A merchant's count: a stock-adjusted, and a stock-low when available crossed under the threshold. */
    List<Event> set(int newOnHand) {
        boolean wasAtOrAbove = version == 0 || available() >= threshold;
        onHand = newOnHand;
        version++;
        List<Event> events = new ArrayList<>();
        events.add(event(
                StockAdjusted.TYPE, new StockAdjusted(sku, merchant, onHand, reserved, available(), version, "set")));
        low(wasAtOrAbove).ifPresent(events::add);
        return events;
    }

    /** A checkout holds units. */
    List<Event> reserve(int quantity) {
        boolean wasAtOrAbove = available() >= threshold;
        reserved += quantity;
        version++;
        List<Event> events = new ArrayList<>();
        events.add(event(
                StockReserved.TYPE,
                new StockReserved(
                        sku,
                        merchant,
                        "res-" + version,
                        quantity,
                        T0.plusSeconds(900),
                        onHand,
                        reserved,
                        available(),
                        version)));
        low(wasAtOrAbove).ifPresent(events::add);
        return events;
    }

    private java.util.Optional<Event> low(boolean wasAtOrAbove) {
        if (wasAtOrAbove && available() < threshold) {
            everLow = true;
            return java.util.Optional.of(
                    event(StockLow.TYPE, new StockLow(sku, merchant, available(), threshold, onHand, version)));
        }
        return java.util.Optional.empty();
    }

    private Event event(EventType type, Object payload) {
        sequence++;
        return new Event(
                UUID.randomUUID(),
                type,
                T0.plusSeconds(sequence),
                MerchantId.of(merchant),
                sku,
                sequence,
                "",
                EventJson.write(payload));
    }
}
