package dev.mercato.inventory.domain;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.store.JdbcReservations;
import dev.mercato.inventory.store.JdbcStock;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inventory's rules over its store. A stock row belongs to the merchant whose product the SKU is in the
 * catalog (read from the catalog's source of truth, never a cache): a merchant sets stock only for its own
 * products, so no merchant can take a SKU it does not sell and make its owner's product unsellable.
 */
public final class InventoryService implements Inventory {

    static final int MAX_PAGE = 200;
    static final int MAX_RESERVATION_LINES = 100;
    static final int MAX_UNITS_PER_LINE = 10_000;
    private static final Logger log = LoggerFactory.getLogger(InventoryService.class);

    private final JdbcStock stock;
    private final JdbcReservations reservations;
    private final Catalog catalog;

    public InventoryService(JdbcStock stock, JdbcReservations reservations, Catalog catalog) {
        this.stock = stock;
        this.reservations = reservations;
        this.catalog = catalog;
    }

    @Override
    public Optional<MerchantId> owner(Sku sku) {
        return Optional.ofNullable(owners(List.of(sku)).get(sku));
    }

    /** The catalog's merchant of each SKU it has, read in pages the catalog accepts. */
    private Map<Sku, MerchantId> owners(Collection<Sku> skus) {
        Map<Sku, MerchantId> owners = new HashMap<>();
        List<Sku> all = List.copyOf(new LinkedHashSet<>(skus));
        for (int from = 0; from < all.size(); from += MAX_PAGE) {
            for (Product p : catalog.products(all.subList(from, Math.min(all.size(), from + MAX_PAGE)))) {
                owners.put(p.sku(), p.merchant());
            }
        }
        return owners;
    }

    /** Refuses SKUs that are not {@code merchant}'s products, the same way whether missing or another's. */
    private void requireOwned(MerchantId merchant, Collection<Sku> skus) {
        Map<Sku, MerchantId> owners = owners(skus);
        skus.stream()
                .sorted(Comparator.comparing(Sku::value))
                .filter(sku -> !merchant.equals(owners.get(sku)))
                .findFirst()
                .ifPresent(sku -> {
                    throw new NotFound("product", sku.value());
                });
    }

    @Override
    public List<Misowned> misowned() {
        return ownership(false);
    }

    @Override
    public List<Misowned> repairOwnership() {
        List<Misowned> repaired = ownership(true);
        repaired.forEach(r -> log.warn(
                "Stock of {} was held by {} but is {}'s product: {}",
                r.sku(),
                r.holder(),
                r.owner().map(MerchantId::value).orElse("no catalog"),
                r.action()));
        return repaired;
    }

    private List<Misowned> ownership(boolean repair) {
        List<Misowned> found = new ArrayList<>();
        Optional<Sku> after = Optional.empty();
        while (true) {
            List<StockLevel> page = stock.pageAll(after, MAX_PAGE);
            if (page.isEmpty()) {
                return found;
            }
            Map<Sku, MerchantId> owners =
                    owners(page.stream().map(StockLevel::sku).toList());
            for (StockLevel level : page) {
                Optional<MerchantId> owner = Optional.ofNullable(owners.get(level.sku()));
                if (owner.filter(level.merchant()::equals).isPresent()) {
                    continue;
                }
                String action = "found";
                if (repair) {
                    action = owner.isPresent()
                            ? stock.giveToOwner(level.sku(), level.merchant(), owner.get())
                                            .isPresent()
                                    ? "given-to-owner"
                                    : "changed-meanwhile"
                            : stock.removeOrphan(level.sku(), level.merchant()) ? "removed" : "kept";
                }
                found.add(new Misowned(level.sku(), level.merchant(), owner, level.onHand(), action));
            }
            after = Optional.of(page.getLast().sku());
        }
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
        requireOwned(merchant, List.of(sku));
        List<ConsistencyToken> tokens = stock.setOnHand(
                merchant,
                Map.of(sku, onHand),
                lowThreshold.map(t -> Map.of(sku, t)).orElse(Map.of()));
        return new Adjusted(stock.find(sku).orElseThrow(), tokens);
    }

    @Override
    public List<ConsistencyToken> setOnHand(MerchantId merchant, Map<Sku, Integer> onHand) {
        if (onHand.isEmpty()) {
            return List.of();
        }
        requireOwned(merchant, onHand.keySet());
        return stock.setOnHand(merchant, onHand, Map.of());
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
