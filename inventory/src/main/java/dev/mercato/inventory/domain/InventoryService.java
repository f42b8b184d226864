package dev.mercato.inventory.domain;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.store.JdbcReservations;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Inventory's rules over its store. */
public final class InventoryService implements Inventory {

    static final int MAX_PAGE = 200;
    static final int MAX_RESERVATION_LINES = 100;
    static final int MAX_UNITS_PER_LINE = 10_000;

    private final JdbcStock stock;
    private final JdbcReservations reservations;

    public InventoryService(JdbcStock stock, JdbcReservations reservations) {
        this.stock = stock;
        this.reservations = reservations;
    }

    @Override
    public Optional<StockLevel> level(Sku sku) {
        return stock.find(sku);
    }

    @Override
    public List<StockLevel> levels(List<Sku> skus) {
        return skus.isEmpty() ? List.of() : stock.find(skus);
    }

    @Override
    public List<StockLevel> levels(MerchantId merchant, Optional<Sku> afterSku, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidInput("limit", "must be 1-" + MAX_PAGE + ", got " + limit);
        }
        return stock.page(merchant, afterSku, limit);
    }

    @Override
    public Adjusted setOnHand(MerchantId merchant, Sku sku, int onHand) {
        return setOnHand(merchant, sku, onHand, Optional.empty());
    }

    @Override
    public Adjusted setOnHand(MerchantId merchant, Sku sku, int onHand, Optional<Integer> lowThreshold) {
        List<ConsistencyToken> tokens = stock.setOnHand(
                merchant,
                Map.of(sku, onHand),
                lowThreshold.map(t -> Map.of(sku, t)).orElse(Map.of()));
        return new Adjusted(stock.find(sku).orElseThrow(), tokens);
    }

    @Override
    public List<ConsistencyToken> setOnHand(MerchantId merchant, Map<Sku, Integer> onHand) {
        return onHand.isEmpty() ? List.of() : stock.setOnHand(merchant, onHand, Map.of());
    }

    @Override
    public Reservation reserve(ReservationId id, MerchantId merchant, List<Reservation.Line> lines, Duration hold) {
        if (lines.isEmpty() || lines.size() > MAX_RESERVATION_LINES) {
            throw new InvalidInput("lines", "a reservation holds 1-" + MAX_RESERVATION_LINES + " lines");
        }
        if (lines.stream().anyMatch(l -> l.quantity() > MAX_UNITS_PER_LINE)) {
            throw new InvalidInput("quantity", "at most " + MAX_UNITS_PER_LINE + " units per line");
        }
        if (hold.isNegative() || hold.isZero() || hold.compareTo(Duration.ofDays(1)) > 0) {
            throw new InvalidInput("hold", "must be more than zero and at most a day, got " + hold);
        }
        return reservations.reserve(id, merchant, lines, hold);
    }

    @Override
    public Reservation confirm(ReservationId id) {
        return reservations.confirm(id);
    }

    @Override
    public Optional<Reservation> release(ReservationId id, String reason) {
        if (reason == null || !reason.matches("[a-z][a-z0-9-]{0,40}")) {
            throw new InvalidInput("reason", "must be a short lowercase slug like order-cancelled");
        }
        return reservations.release(id, reason);
    }

    @Override
    public Reservation commit(ReservationId id) {
        return reservations.commit(id);
    }

    @Override
    public Reservation restock(ReservationId id) {
        return reservations.restock(id);
    }

    @Override
    public Optional<Reservation> reservation(ReservationId id) {
        return reservations.find(id);
    }

    @Override
    public int expireDue() {
        return reservations.expireDue();
    }

    @Override
    public List<Drift> reconcile() {
        return reservations.reconcile();
    }
}
