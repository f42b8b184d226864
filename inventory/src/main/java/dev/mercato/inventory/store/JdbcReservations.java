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
import dev.mercato.plane.batch.Combiner;
import dev.mercato.plane.events.Tracing;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reservations and their lines. The stock table's {@code reserved} is never written here: database
 * triggers keep it equal to the sum of live reservations as lines are added and statuses change (see
 * {@code V2__reservations.sql}); this class decides which changes are allowed and what they publish.
 * Stock rows are always locked in SKU order, so concurrent reservations never deadlock.
 */
public final class JdbcReservations {

    private static final int EXPIRY_BATCH = 500;
    /** The most reservations made or confirmed in one transaction. */
    static final int MAX_BATCH = 64;

    private final CapabilityStore store;
    private final Outbox outbox;
    private final Clock clock;
    private final Combiner<Reserving, Decided> reserving =
            new Combiner<>("inventory.reserve", MAX_BATCH, this::reserveAll, r -> Decided.of(() -> reserveOne(r)));
    private final Combiner<ReservationId, Decided> confirming =
            new Combiner<>("inventory.confirm", MAX_BATCH, this::confirmAll, id -> Decided.of(() -> confirmOne(id)));

    public JdbcReservations(CapabilityStore store, Outbox outbox, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** The writes concurrent checkouts make together: reserving and confirming. */
    public List<Combiner<?, ?>> combiners() {
        return List.of(reserving, confirming);
    }

    public Optional<Reservation> find(ReservationId id) {
        return find(store.jdbc(), id, false);
    }

    /**
     * Holds stock for a reservation, or refuses with {@code out-of-stock} holding nothing; a repeat of an id
     * answers the reservation that exists. Concurrent calls are made together, in one transaction
     * ({@link #reserveAll}), each decided as if it ran alone in the order they were taken.
     */
    public Reservation reserve(ReservationId id, MerchantId merchant, List<Line> requested, Duration hold) {
        // One line per SKU, in SKU order: the order rows are locked and events appended in.
        Map<String, Integer> wanted = new TreeMap<>();
        requested.forEach(l -> wanted.merge(l.sku().value(), l.quantity(), Integer::sum));
        // The request's trace travels with it: its batch may be written on another request's thread.
        return reserving
                .write(new Reserving(id, merchant, wanted, hold, Tracing.current()))
                .get();
    }

    /** A reservation to make: its id, merchant, quantity per SKU (in SKU order) and how long to hold it. */
    private record Reserving(
            ReservationId id, MerchantId merchant, Map<String, Integer> wanted, Duration hold, String trace) {}

    /** A reservation, or the refusal its caller gets: one caller's outcome in a batch. */
    private record Decided(Reservation reservation, RuntimeException refused) {
        static Decided of(java.util.function.Supplier<Reservation> call) {
            return new Decided(call.get(), null);
        }

        Reservation get() {
            if (refused != null) {
                throw refused;
            }
            return reservation;
        }
    }

    /**
     * Makes many reservations in one transaction, deciding each in the batch's order as {@link #reserveOne}
     * would alone: every SKU of the batch is locked first (in SKU order, as everywhere), each reservation is
     * checked against what the ones before it left available, and the rows, lines and events of those that
     * fit are written in a statement per table. The events carry each reservation's own levels (reserved and
     * version moving by one reservation at a time, as the line trigger moves them), and the levels the
     * triggers left are checked against that count before commit. A repeat of an id answers what exists.
     * The stock table's check still refuses any oversell the count could miss: that fails the batch on its
     * data, and each reservation is then made alone.
     */
    private List<Decided> reserveAll(List<Reserving> batch) {
        if (batch.size() == 1) {
            Reserving r = batch.getFirst();
            return List.of(Decided.of(() -> reserveOne(r)));
        }
        Instant now = clock.instant();
        Map<ReservationId, Reserving> firsts = new LinkedHashMap<>();
        batch.forEach(r -> firsts.putIfAbsent(r.id(), r));
        String[] skus = batch.stream()
                .flatMap(r -> r.wanted().keySet().stream())
                .distinct()
                .sorted()
                .toArray(String[]::new);
        Map<ReservationId, Decided> decided = store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            Map<String, StockLevel> levels = new HashMap<>();
            JdbcStock.lockLevels(tx, skus).forEach(l -> levels.put(l.sku().value(), l));
            Map<ReservationId, Decided> out = new HashMap<>();
            Set<String> existing = new HashSet<>(tx.sql("SELECT id FROM reservations WHERE id = ANY(?)")
                    .param(firsts.keySet().stream().map(ReservationId::value).toArray(String[]::new))
                    .query(String.class)
                    .list());
            List<Reserving> held = new ArrayList<>();
            List<Outbox.Draft> drafts = new ArrayList<>();
            for (Reserving r : firsts.values()) {
                if (existing.contains(r.id().value())) {
                    out.put(r.id(), new Decided(find(tx, r.id(), false).orElseThrow(), null));
                    continue;
                }
                Optional<Conflict> short_ = shortage(r.merchant(), r.wanted(), levels);
                if (short_.isPresent()) {
                    out.put(r.id(), new Decided(null, short_.get()));
                    continue;
                }
                Instant expires = now.plus(r.hold());
                r.wanted().forEach((sku, qty) -> {
                    StockLevel before = levels.get(sku);
                    StockLevel after = new StockLevel(
                            before.sku(),
                            before.merchant(),
                            before.onHand(),
                            before.reserved() + qty,
                            before.lowThreshold(),
                            before.version() + 1);
                    drafts.add(draft(after, reserved(r.id(), r.merchant(), sku, qty, expires, after), r.trace()));
                    StockEvents.lowIfCrossed(before.available(), after, drafts, r.trace());
                    levels.put(sku, after);
                });
                held.add(r);
                out.put(r.id(), new Decided(held(r, expires), null));
            }
            if (held.isEmpty()) {
                return out;
            }
            List<String> inserted = tx.sql("INSERT INTO reservations (id, merchant_id, status, expires_at, created_at,"
                            + " updated_at) SELECT id, m, 'held', e, ?, ? FROM unnest(?::text[], ?::text[],"
                            + " ?::timestamptz[]) AS d(id, m, e) ON CONFLICT (id) DO NOTHING RETURNING id")
                    .param(at(now))
                    .param(at(now))
                    .param(held.stream().map(r -> r.id().value()).toArray(String[]::new))
                    .param(held.stream().map(r -> r.merchant().value()).toArray(String[]::new))
                    .param(held.stream().map(r -> now.plus(r.hold()).toString()).toArray(String[]::new))
                    .query(String.class)
                    .list();
            if (inserted.size() != held.size()) {
                // Another process recorded one of these ids since the check above: decide each alone.
                throw new DuplicateKeyException("A reservation of this batch was recorded concurrently");
            }
            List<String[]> lines = new ArrayList<>();
            held.forEach(r ->
                    r.wanted().forEach((sku, qty) -> lines.add(new String[] {r.id().value(), sku, qty.toString()})));
            tx.sql("INSERT INTO reservation_lines (reservation_id, sku, quantity)"
                            + " SELECT r, sku, q FROM unnest(?::text[], ?::text[], ?::int[]) WITH ORDINALITY AS d(r, sku, q, n)"
                            + " ORDER BY n")
                    .param(lines.stream().map(l -> l[0]).toArray(String[]::new))
                    .param(lines.stream().map(l -> l[1]).toArray(String[]::new))
                    .param(lines.stream().map(l -> Integer.valueOf(l[2])).toArray(Integer[]::new))
                    .update();
            String[] touched = held.stream()
                    .flatMap(r -> r.wanted().keySet().stream())
                    .distinct()
                    .sorted()
                    .toArray(String[]::new);
            for (StockLevel after : levels(tx, touched)) {
                if (!after.equals(levels.get(after.sku().value()))) {
                    throw new DataIntegrityViolationException(
                            "Stock of " + after.sku() + " is " + after + " after a batch of reservations that counted "
                                    + levels.get(after.sku().value()));
                }
            }
            outbox.appendAll(drafts);
            return out;
        });
        return batch.stream().map(r -> decided.get(r.id())).toList();
    }

    /** What a reservation lacks, as the refusal its caller gets: empty when every SKU has enough. */
    private static Optional<Conflict> shortage(
            MerchantId merchant, Map<String, Integer> wanted, Map<String, StockLevel> levels) {
        List<Map<String, Object>> shortages = new ArrayList<>();
        wanted.forEach((sku, qty) -> {
            StockLevel level = levels.get(sku);
            int available = level == null || !level.merchant().equals(merchant) ? 0 : level.available();
            if (available < qty) {
                Map<String, Object> shortage = new LinkedHashMap<>();
                shortage.put("sku", sku);
                shortage.put("requested", qty);
                shortage.put("available", Math.max(0, available));
                shortages.add(shortage);
            }
        });
        if (shortages.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Conflict(
                "out-of-stock",
                "Not enough stock for "
                        + shortages.stream().map(s -> s.get("sku")).toList(),
                Map.of("skus", shortages.stream().map(s -> s.get("sku")).toList(), "shortages", shortages)));
    }

    private static StockReserved reserved(
            ReservationId id, MerchantId merchant, String sku, int qty, Instant expires, StockLevel after) {
        return new StockReserved(
                sku,
                merchant.value(),
                id.value(),
                qty,
                expires,
                after.onHand(),
                after.reserved(),
                after.available(),
                after.version());
    }

    private static Reservation held(Reserving r, Instant expires) {
        return new Reservation(
                r.id(),
                r.merchant(),
                Status.HELD,
                r.wanted().entrySet().stream()
                        .map(e -> new Line(Sku.of(e.getKey()), e.getValue()))
                        .toList(),
                Optional.of(expires));
    }

    private Reservation reserveOne(Reserving r) {
        ReservationId id = r.id();
        MerchantId merchant = r.merchant();
        Map<String, Integer> wanted = r.wanted();
        Duration hold = r.hold();
        String[] skus = wanted.keySet().toArray(String[]::new);
        Instant now = clock.instant();
        Instant expires = now.plus(hold);
        return store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            // Stock first, then the id, in the order a batch takes them (reserveAll): a duplicate of this id
            // running in another process, alone or in a batch, then waits for the stock rows instead of holding
            // the id while it waits for them (which deadlocked the two). A repeat answers what exists.
            Map<String, StockLevel> before = JdbcStock.lockLevels(tx, skus).stream()
                    .collect(Collectors.toMap(l -> l.sku().value(), Function.identity()));
            int inserted = tx.sql("INSERT INTO reservations (id, merchant_id, status, expires_at, created_at,"
                            + " updated_at) VALUES (?, ?, 'held', ?, ?, ?) ON CONFLICT (id) DO NOTHING")
                    .params(id.value(), merchant.value(), at(expires), at(now), at(now))
                    .update();
            if (inserted == 0) {
                status.setRollbackOnly();
                return find(tx, id, false).orElseThrow();
            }
            Optional<Conflict> refused = shortage(merchant, wanted, before);
            if (refused.isPresent()) {
                // Thrown inside the transaction: the reservation row above rolls back with it.
                throw refused.get();
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
                drafts.add(draft(after, reserved(id, merchant, sku, wanted.get(sku), expires, after), r.trace()));
                StockEvents.lowIfCrossed(before.get(sku).available(), after, drafts, r.trace());
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

    /**
     * Confirms a held reservation that has not expired (from here on only the order moves it), or refuses
     * with {@code reservation-lost}; confirming a confirmed one answers it. Concurrent calls are confirmed
     * together in one transaction ({@link #confirmAll}).
     */
    public Reservation confirm(ReservationId id) {
        return confirming.write(id).get();
    }

    /** Confirms many reservations in one statement, then reads them all back to answer each. */
    private List<Decided> confirmAll(List<ReservationId> batch) {
        if (batch.size() == 1) {
            return List.of(Decided.of(() -> confirmOne(batch.getFirst())));
        }
        // Sorted: two processes confirming overlapping batches lock the rows in the same order.
        String[] ids =
                batch.stream().map(ReservationId::value).distinct().sorted().toArray(String[]::new);
        Map<ReservationId, Decided> decided = store.transactions().execute(status -> {
            JdbcClient tx = store.jdbc();
            Instant now = clock.instant();
            Set<String> confirmed = new HashSet<>(tx.sql("UPDATE reservations SET status = 'confirmed',"
                            + " expires_at = NULL, updated_at = ? WHERE id = ANY(?) AND status = 'held'"
                            + " AND expires_at > ? RETURNING id")
                    .param(at(now))
                    .param(ids)
                    .param(at(now))
                    .query(String.class)
                    .list());
            Map<ReservationId, Decided> out = new HashMap<>();
            for (String value : ids) {
                ReservationId id = ReservationId.of(value);
                Optional<Reservation> r = find(tx, id, false);
                out.put(
                        id,
                        r.isEmpty()
                                ? new Decided(null, new NotFound("reservation", value))
                                : confirmed.contains(value) || r.get().status() == Status.CONFIRMED
                                        ? new Decided(r.get(), null)
                                        : new Decided(null, lost(r.get())));
            }
            return out;
        });
        return batch.stream().map(decided::get).toList();
    }

    private static Conflict lost(Reservation r) {
        return new Conflict(
                "reservation-lost",
                "Reservation " + r.id() + " is " + r.status().name().toLowerCase(Locale.ROOT)
                        + ": its units may have been sold to someone else",
                Map.of(
                        "reservationId",
                        r.id().value(),
                        "status",
                        r.status().name().toLowerCase(Locale.ROOT)));
    }

    private Reservation confirmOne(ReservationId id) {
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
            throw lost(r);
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
                // Every SKU of the batch's reservations locked first, in one statement in SKU order, as every
                // other write locks stock: locking them reservation by reservation would take them out of
                // order across the batch and deadlock with a reservation of several SKUs.
                JdbcStock.lockLevels(
                        tx,
                        tx.sql("SELECT DISTINCT sku FROM reservation_lines"
                                        + " WHERE reservation_id = ANY(?) ORDER BY sku")
                                .param(due.toArray(String[]::new))
                                .query(String.class)
                                .list()
                                .toArray(String[]::new));
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
        return draft(level, payload, null);
    }

    /** @param trace the writing request's trace ({@link Outbox.Draft}: null for the current thread's) */
    private static Outbox.Draft draft(StockLevel level, Object payload, String trace) {
        var type = switch (payload) {
            case StockReserved e -> StockReserved.TYPE;
            case StockReleased e -> StockReleased.TYPE;
            case StockCommitted e -> StockCommitted.TYPE;
            case StockAdjusted e -> StockAdjusted.TYPE;
            default -> throw new IllegalArgumentException("not a stock event: " + payload);
        };
        return new Outbox.Draft(type, level.merchant(), level.sku().value(), payload, trace);
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
