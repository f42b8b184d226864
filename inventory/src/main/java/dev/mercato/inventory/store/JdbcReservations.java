package dev.mercato.inventory.store;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory.Drift;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.Reservation.Line;
import dev.mercato.inventory.Reservation.Status;
import dev.mercato.inventory.ReservationId;
import dev.mercato.inventory.StockLevel;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.inventory.events.StockCommitted;
import dev.mercato.inventory.events.StockReleased;
import dev.mercato.inventory.events.StockReserved;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reservations and their lines. The stock table's {@code reserved} is never written here: database
 * triggers keep it equal to the sum of live reservations as lines are added and statuses change (see
 * {@code V2__reservations.sql}); this class decides which changes are allowed and what they publish.
 * Stock rows are always locked in SKU order, so concurrent reservations never deadlock.
 */
public final class JdbcReservations {

    private static final int EXPIRY_BATCH = 500;

    private final CapabilityStore store;
    private final Outbox outbox;
    private final Clock clock;

    public JdbcReservations(CapabilityStore store, Outbox outbox, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    public Optional<Reservation> find(ReservationId id) {
        return find(store.jdbc(), id, false);
    }

    public Reservation reserve(ReservationId id, MerchantId merchant, List<Line> requested, Duration hold) {
        // One line per SKU, in SKU order: the order rows are locked and events appended in.
        Map<String, Integer> wanted = new TreeMap<>();
        requested.forEach(l -> wanted.merge(l.sku().value(), l.quantity(), Integer::sum));
        String[] skus = wanted.keySet().toArray(String[]::new);
        Instant now = clock.instant();
        Instant expires = now.plus(hold);
        return store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            // The id first: a repeat (or a concurrent duplicate, which waits here) answers what exists.
            int inserted = tx.sql("INSERT INTO reservations (id, merchant_id, status, expires_at, created_at,"
                            + " updated_at) VALUES (?, ?, 'held', ?, ?, ?) ON CONFLICT (id) DO NOTHING")
                    .params(id.value(), merchant.value(), at(expires), at(now), at(now))
                    .update();
            if (inserted == 0) {
                status.setRollbackOnly();
                return find(tx, id, false).orElseThrow();
            }
            Map<String, StockLevel> before = JdbcStock.lockLevels(tx, skus).stream()
                    .collect(Collectors.toMap(l -> l.sku().value(), Function.identity()));
            List<Map<String, Object>> shortages = new ArrayList<>();
            wanted.forEach((sku, qty) -> {
                StockLevel level = before.get(sku);
                int available = level == null || !level.merchant().equals(merchant) ? 0 : level.available();
                if (available < qty) {
                    Map<String, Object> shortage = new LinkedHashMap<>();
                    shortage.put("sku", sku);
                    shortage.put("requested", qty);
                    shortage.put("available", Math.max(0, available));
                    shortages.add(shortage);
                }
            });
            if (!shortages.isEmpty()) {
                // Thrown inside the transaction: the reservation row above rolls back with it.
                throw new Conflict(
                        "out-of-stock",
                        "Not enough stock for "
                                + shortages.stream().map(s -> s.get("sku")).toList(),
                        Map.of("skus", shortages.stream().map(s -> s.get("sku")).toList(), "shortages", shortages));
            }
            tx.sql("INSERT INTO reservation_lines (reservation_id, sku, quantity)"
                            + " SELECT ?, sku, quantity FROM unnest(?::text[], ?::int[]) AS d(sku, quantity)")
                    .param(id.value())
                    .param(skus)
                    .param(wanted.values().toArray(Integer[]::new))
                    .update();
            List<Outbox.Draft> drafts = new ArrayList<>();
            for (StockLevel after : levels(tx, skus)) {
                String sku = after.sku().value();
                drafts.add(draft(
                        after,
                        new StockReserved(
                                sku,
                                merchant.value(),
                                id.value(),
                                wanted.get(sku),
                                expires,
                                after.onHand(),
                                after.reserved(),
                                after.available(),
                                after.version())));
                StockEvents.lowIfCrossed(before.get(sku).available(), after, drafts);
            }
            outbox.appendAll(drafts);
            return new Reservation(
                    id,
                    merchant,
                    Status.HELD,
                    wanted.entrySet().stream()
                            .map(e -> new Line(Sku.of(e.getKey()), e.getValue()))
                            .toList(),
                    Optional.of(expires));
        });
    }

    public Reservation confirm(ReservationId id) {
        return store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            int confirmed = tx.sql("UPDATE reservations SET status = 'confirmed', expires_at = NULL, updated_at = ?"
                            + " WHERE id = ? AND status = 'held' AND expires_at > ?")
                    .params(at(clock.instant()), id.value(), at(clock.instant()))
                    .update();
            Reservation r = find(tx, id, false).orElseThrow(() -> new NotFound("reservation", id.value()));
            if (confirmed == 1 || r.status() == Status.CONFIRMED) {
                return r;
            }
            throw new Conflict(
                    "reservation-lost",
                    "Reservation " + id + " is " + r.status().name().toLowerCase(Locale.ROOT)
                            + ": its units may have been sold to someone else",
                    Map.of(
                            "reservationId",
                            id.value(),
                            "status",
                            r.status().name().toLowerCase(Locale.ROOT)));
        });
    }

    public Optional<Reservation> release(ReservationId id, String reason) {
        return store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            Optional<Reservation> found = find(tx, id, true);
            if (found.isEmpty() || !found.get().status().live()) {
                if (found.isPresent() && found.get().status() == Status.COMMITTED) {
                    throw new Conflict(
                            "reservation-committed",
                            "Reservation " + id + " was picked; its units are returned with a restock, not a release",
                            Map.of("reservationId", id.value()));
                }
                return found;
            }
            return Optional.of(transition(tx, found.get(), Status.RELEASED, reason));
        });
    }

    public Reservation commit(ReservationId id) {
        return move(id, Status.CONFIRMED, Status.COMMITTED, "picked");
    }

    public Reservation restock(ReservationId id) {
        return move(id, Status.COMMITTED, Status.RETURNED, "returned");
    }

    private Reservation move(ReservationId id, Status from, Status to, String reason) {
        return store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            Reservation r = find(tx, id, true).orElseThrow(() -> new NotFound("reservation", id.value()));
            if (r.status() == to) {
                return r;
            }
            if (r.status() != from) {
                throw new Conflict(
                        "illegal-reservation-transition",
                        "Reservation " + id + " is " + name(r.status()) + "; only a " + name(from)
                                + " reservation becomes " + name(to),
                        Map.of("reservationId", id.value(), "status", name(r.status())));
            }
            return transition(tx, r, to, reason);
        });
    }

    /** Expires due holds in batches; each batch is one transaction and skips rows another instance holds. */
    public int expireDue() {
        int total = 0;
        while (true) {
            int expired = store.transactions().execute(status -> {
                JdbcClient tx = store.jdbc();
                List<String> due = tx.sql("SELECT id FROM reservations WHERE status = 'held' AND expires_at <= ?"
                                + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED")
                        .params(at(clock.instant()), EXPIRY_BATCH)
                        .query(String.class)
                        .list();
                for (String id : due) {
                    transition(tx, find(tx, ReservationId.of(id), false).orElseThrow(), Status.EXPIRED, "expired");
                }
                return due.size();
            });
            total += expired;
            if (expired < EXPIRY_BATCH) {
                return total;
            }
        }
    }

    public List<Drift> reconcile() {
        return store.jdbc()
                .sql("""
                        SELECT s.sku, s.on_hand, s.reserved, coalesce(live.quantity, 0) AS live
                        FROM stock s LEFT JOIN (
                            SELECT l.sku, sum(l.quantity) AS quantity
                            FROM reservation_lines l JOIN reservations r ON r.id = l.reservation_id
                            WHERE r.status IN ('held', 'confirmed') GROUP BY l.sku) live ON live.sku = s.sku
                        WHERE s.reserved <> coalesce(live.quantity, 0) OR s.reserved > s.on_hand OR s.reserved < 0
                        ORDER BY s.sku""")
                .query((rs, i) -> new Drift(Sku.of(rs.getString(1)), rs.getInt(2), rs.getInt(3), rs.getInt(4)))
                .list();
    }

    /** Changes a reservation's status (the triggers move the stock) and appends one event per SKU. */
    private Reservation transition(JdbcClient tx, Reservation r, Status to, String reason) {
        String[] skus = r.lines().stream().map(l -> l.sku().value()).sorted().toArray(String[]::new);
        JdbcStock.lockLevels(tx, skus);
        tx.sql("UPDATE reservations SET status = ?, expires_at = NULL, reason = ?, updated_at = ? WHERE id = ?")
                .params(name(to), reason, at(clock.instant()), r.id().value())
                .update();
        Map<String, Integer> quantities =
                r.lines().stream().collect(Collectors.toMap(l -> l.sku().value(), Line::quantity));
        List<Outbox.Draft> drafts = new ArrayList<>();
        for (StockLevel after : levels(tx, skus)) {
            String sku = after.sku().value();
            int q = quantities.get(sku);
            Object payload = switch (to) {
                case RELEASED, EXPIRED ->
                    new StockReleased(
                            sku,
                            r.merchant().value(),
                            r.id().value(),
                            q,
                            reason,
                            after.onHand(),
                            after.reserved(),
                            after.available(),
                            after.version());
                case COMMITTED ->
                    new StockCommitted(
                            sku,
                            r.merchant().value(),
                            r.id().value(),
                            q,
                            after.onHand(),
                            after.reserved(),
                            after.available(),
                            after.version());
                case RETURNED ->
                    new StockAdjusted(
                            sku,
                            r.merchant().value(),
                            after.onHand(),
                            after.reserved(),
                            after.available(),
                            after.version(),
                            "returned");
                default -> throw new IllegalStateException("no event for a move to " + to);
            };
            drafts.add(draft(after, payload));
        }
        outbox.appendAll(drafts);
        return new Reservation(r.id(), r.merchant(), to, r.lines(), Optional.empty());
    }

    private static Outbox.Draft draft(StockLevel level, Object payload) {
        var type = switch (payload) {
            case StockReserved e -> StockReserved.TYPE;
            case StockReleased e -> StockReleased.TYPE;
            case StockCommitted e -> StockCommitted.TYPE;
            case StockAdjusted e -> StockAdjusted.TYPE;
            default -> throw new IllegalArgumentException("not a stock event: " + payload);
        };
        return new Outbox.Draft(type, level.merchant(), level.sku().value(), payload);
    }

    private static List<StockLevel> levels(JdbcClient tx, String[] skus) {
        return tx.sql(JdbcStock.LEVELS + " WHERE sku = ANY(?) ORDER BY sku")
                .param(skus)
                .query(JdbcStock::level)
                .list();
    }

    /** The reservation with its lines in one statement (locking its row with {@code lock}). */
    private static Optional<Reservation> find(JdbcClient jdbc, ReservationId id, boolean lock) {
        if (lock) {
            jdbc.sql("SELECT 1 FROM reservations WHERE id = ? FOR UPDATE")
                    .param(id.value())
                    .query()
                    .listOfRows();
        }
        return jdbc.sql("SELECT r.merchant_id, r.status, r.expires_at, array_agg(l.sku ORDER BY l.sku),"
                        + " array_agg(l.quantity ORDER BY l.sku) FROM reservations r JOIN reservation_lines l"
                        + " ON l.reservation_id = r.id WHERE r.id = ? GROUP BY r.id")
                .param(id.value())
                .query((rs, i) -> {
                    String[] skus = (String[]) rs.getArray(4).getArray();
                    Integer[] quantities = (Integer[]) rs.getArray(5).getArray();
                    List<Line> lines = new ArrayList<>(skus.length);
                    for (int n = 0; n < skus.length; n++) {
                        lines.add(new Line(Sku.of(skus[n]), quantities[n]));
                    }
                    return new Reservation(
                            id,
                            MerchantId.of(rs.getString(1)),
                            Status.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                            lines,
                            Optional.ofNullable(rs.getTimestamp(3)).map(Timestamp::toInstant));
                })
                .optional();
    }

    private static String name(Status s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static Timestamp at(Instant instant) {
        return Timestamp.from(instant);
    }
}
