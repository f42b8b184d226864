package dev.mercato.search.store;

import dev.mercato.catalog.events.ProductPriceChanged;
import dev.mercato.catalog.events.ProductRetired;
import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockCommitted;
import dev.mercato.inventory.events.StockLow;
import dev.mercato.inventory.events.StockReleased;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.plane.Money;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.search.store.ListingChange.Stream;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Reads catalog and inventory events as listing changes; knows no engine. */
final class ListingEvents {

    /** An event this view can never apply: it is logged, counted and skipped. */
    static final class Unreadable extends RuntimeException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // Longer ids or paths than this cannot be indexed as one term; the catalog never writes such.
    private static final int MAX_ID = 1_000;

    // Every stock event carries the SKU's resulting levels, so each one sets available outright.
    private static final Map<EventType, Function<String, Integer>> STOCK = Map.of(
            StockAdjusted.TYPE,
                    json -> EventJson.read(json, StockAdjusted.class).available(),
            StockReserved.TYPE,
                    json -> EventJson.read(json, StockReserved.class).available(),
            StockReleased.TYPE,
                    json -> EventJson.read(json, StockReleased.class).available(),
            StockCommitted.TYPE,
                    json -> EventJson.read(json, StockCommitted.class).available(),
            StockLow.TYPE, json -> EventJson.read(json, StockLow.class).available());

    private ListingEvents() {}

    /**
     * The change {@code event} makes, or empty for an event of neither the catalog nor inventory (not about
     * a listing). An event of a type the view does not read is a {@link ListingChange.Noted}.
     *
     * @throws Unreadable when the event claims a type the view reads but its payload cannot be read
     */
    static Optional<ListingChange> decode(Event event) {
        Stream stream = switch (event.type().source()) {
            case "catalog" -> Stream.CATALOG;
            case "inventory" -> Stream.INVENTORY;
            default -> null;
        };
        if (stream == null) {
            return Optional.empty();
        }
        String merchant = event.merchant().value();
        String sku = event.aggregateId();
        String key = event.key();
        try {
            if (key.length() > MAX_ID) {
                throw new IllegalArgumentException("key longer than " + MAX_ID + " characters");
            }
            EventType type = event.type();
            if (stream == Stream.CATALOG) {
                if (same(type, ProductUpserted.TYPE)) {
                    ProductUpserted p = read(event, ProductUpserted.class, ProductUpserted.TYPE);
                    Money price = p.price().toMoney();
                    if (p.title() == null
                            || p.category() == null
                            || p.category().length() > MAX_ID) {
                        throw new IllegalArgumentException(
                                "title and a category of at most " + MAX_ID + " characters are required");
                    }
                    return Optional.of(new ListingChange.ProductChanged(
                            key,
                            merchant,
                            sku,
                            event.sequence(),
                            p.title(),
                            p.description(),
                            p.category(),
                            price.amount(),
                            price.currency(),
                            "active".equals(p.status()),
                            event.time()));
                }
                if (same(type, ProductPriceChanged.TYPE)) {
                    Money price = read(event, ProductPriceChanged.class, ProductPriceChanged.TYPE)
                            .price()
                            .toMoney();
                    return Optional.of(new ListingChange.PriceChanged(
                            key, merchant, sku, event.sequence(), price.amount(), price.currency()));
                }
                if (same(type, ProductRetired.TYPE)) {
                    read(event, ProductRetired.class, ProductRetired.TYPE);
                    return Optional.of(new ListingChange.Retired(key, merchant, sku, event.sequence()));
                }
            } else {
                for (Map.Entry<EventType, Function<String, Integer>> t : STOCK.entrySet()) {
                    if (same(type, t.getKey())) {
                        return Optional.of(new ListingChange.StockChanged(
                                key,
                                merchant,
                                sku,
                                event.sequence(),
                                t.getValue().apply(event.data())));
                    }
                }
            }
            return Optional.of(new ListingChange.Noted(key, merchant, sku, stream, event.sequence()));
        } catch (Unreadable e) {
            throw e;
        } catch (RuntimeException e) {
            throw new Unreadable(
                    "cannot read " + event.type().wire() + " " + event.streamKey() + " sequence " + event.sequence()
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * What an event of a listing stream that can never apply still does: its sequence counts, so the
     * stream goes on and a reader waiting for it is not kept waiting. Empty when not a listing stream.
     */
    static Optional<ListingChange> noted(Event event) {
        Stream stream = switch (event.type().source()) {
            case "catalog" -> Stream.CATALOG;
            case "inventory" -> Stream.INVENTORY;
            default -> null;
        };
        return Optional.ofNullable(stream)
                .map(s -> new ListingChange.Noted(
                        event.key(), event.merchant().value(), event.aggregateId(), s, event.sequence()));
    }

    /** The same logical type; a version this view was not written for is refused, not guessed at. */
    private static boolean same(EventType type, EventType known) {
        if (!type.source().equals(known.source()) || !type.name().equals(known.name())) {
            return false;
        }
        if (type.version() != known.version()) {
            throw new IllegalArgumentException("version " + type.version() + " of " + known.source() + "."
                    + known.name() + " is not the v" + known.version() + " this view reads");
        }
        return true;
    }

    private static <T> T read(Event event, Class<T> payload, EventType type) {
        T value = EventJson.read(event.data(), payload);
        if (value == null) {
            throw new IllegalArgumentException("empty payload for " + type.wire());
        }
        return value;
    }
}
