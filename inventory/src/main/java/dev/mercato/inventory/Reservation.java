package dev.mercato.inventory;

import dev.mercato.catalog.Sku;
import dev.mercato.plane.MerchantId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Stock held for one checkout. Live while {@link Status#HELD} or {@link Status#CONFIRMED}: its units are
 * counted in {@code reserved} and cannot be sold to anyone else.
 *
 * @param expiresAt when a held reservation is released unless confirmed first; empty once confirmed
 */
public record Reservation(
        ReservationId id, MerchantId merchant, Status status, List<Line> lines, Optional<Instant> expiresAt) {

    public Reservation {
        lines = List.copyOf(lines);
    }

    public enum Status {
        /** Units held for a checkout in progress; released when the hold expires. */
        HELD,
        /** The checkout placed its order: held until picked or cancelled, with no expiry. */
        CONFIRMED,
        /** Picked: the units left the shelf, on-hand went down with reserved. */
        COMMITTED,
        /** Given back: a failed checkout or a cancelled order. */
        RELEASED,
        /** Given back because the hold expired before the checkout confirmed it. */
        EXPIRED,
        /** Committed, then its order was cancelled: the units went back on hand. */
        RETURNED;

        public boolean live() {
            return this == HELD || this == CONFIRMED;
        }
    }

    /** Units of one SKU. */
    public record Line(Sku sku, int quantity) {
        public Line {
            Objects.requireNonNull(sku, "sku");
            if (quantity < 1) {
                throw new IllegalArgumentException("a reservation line holds at least one unit, got " + quantity);
            }
        }
    }
}
