package dev.mercato.inventory;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Inventory's published API: stock levels per SKU and the reservations checkout holds against them.
 * Available (on-hand minus reserved) never goes negative, and reserved is always the sum of the live
 * reservations: the database guards both.
 */
public interface Inventory {

    Optional<StockLevel> level(Sku sku);

    /** Levels of many SKUs, in SKU order; a SKU with no stock row is missing from the result. */
    List<StockLevel> levels(List<Sku> skus);

    /** A merchant's stock, in SKU order, starting after {@code afterSku}. */
    List<StockLevel> levels(MerchantId merchant, Optional<Sku> afterSku, int limit);

    /** The result of a stock change: the levels now, and tokens to read the change back from views. */
    record Adjusted(StockLevel level, List<ConsistencyToken> tokens) {}

    /**
     * The merchant whose stock of {@code sku} this is: the product's merchant in the catalog. Empty when no
     * catalog has the SKU. Stock rows exist only for catalog SKUs, held by that merchant.
     */
    Optional<MerchantId> owner(Sku sku);

    /**
     * Sets on-hand for a merchant's SKU; refused if it would drop below what is already reserved, and
     * {@link dev.mercato.plane.NotFound} when the SKU is not a product of that merchant in the catalog
     * (another merchant's product is answered like a missing one).
     */
    Adjusted setOnHand(MerchantId merchant, Sku sku, int onHand);

    /** Sets on-hand and the stock-low threshold (a {@code stock-low} event fires when available drops below it). */
    Adjusted setOnHand(MerchantId merchant, Sku sku, int onHand, Optional<Integer> lowThreshold);

    /** Sets on-hand for many SKUs of one merchant in one transaction; each must be that merchant's product. */
    List<ConsistencyToken> setOnHand(MerchantId merchant, Map<Sku, Integer> onHand);

    /**
     * Holds units of the merchant's SKUs for {@code hold}, all or nothing. Idempotent by id: reserving an
     * id again returns that reservation as it now is (whatever its status), holding nothing more. Refused
     * with a {@link dev.mercato.plane.Conflict} of type {@code out-of-stock} naming every short SKU
     * ({@code shortages}: sku, requested, available).
     */
    Reservation reserve(ReservationId id, MerchantId merchant, List<Reservation.Line> lines, Duration hold);

    /**
     * Makes a held reservation last until picked or cancelled (its order was placed). Idempotent. A
     * reservation that expired or was released first is refused ({@code reservation-lost}): its units may
     * already be sold to someone else.
     */
    Reservation confirm(ReservationId id);

    /**
     * Gives the units of a live reservation back. Idempotent: releasing a released or expired reservation
     * changes nothing; empty when no reservation has this id. A committed (picked) reservation cannot be
     * released ({@code reservation-committed}): its units must be returned with {@link #restock}.
     */
    Optional<Reservation> release(ReservationId id, String reason);

    /** Picked: the reservation's units leave on-hand and reserved together. Idempotent. */
    Reservation commit(ReservationId id);

    /** Puts a committed reservation's units back on hand (an order cancelled after picking). Idempotent. */
    Reservation restock(ReservationId id);

    Optional<Reservation> reservation(ReservationId id);

    /** Expires held reservations whose hold passed, releasing their units; returns how many. */
    int expireDue();

    /**
     * Every SKU whose reserved differs from the sum of its live reservations, or whose available is
     * negative: empty when the invariants hold (they are guarded by the database, so this is a proof).
     */
    List<Drift> reconcile();

    record Drift(Sku sku, int onHand, int reserved, int liveReservations) {}

    /**
     * Stock rows held by a merchant other than the SKU's owner in the catalog, or kept for a SKU no catalog
     * has: left by the time a merchant could set stock for any SKU. Read-only.
     */
    List<Misowned> misowned();

    /**
     * Repairs {@link #misowned()} rows: a row of another merchant's product goes to its owner with on-hand
     * set to what live reservations hold (the owner counts again); a row of a SKU no catalog has is deleted
     * unless reservations hold it. Each with its event. Returns what it did.
     */
    List<Misowned> repairOwnership();

    /**
     * @param owner the catalog's merchant for the SKU; empty when no catalog has it
     * @param action what {@link #repairOwnership} did: {@code given-to-owner}, {@code removed}, or {@code kept}
     *     (a SKU no catalog has whose row reservations hold); {@code found} from {@link #misowned}
     */
    record Misowned(Sku sku, MerchantId holder, Optional<MerchantId> owner, int onHand, String action) {}
}
