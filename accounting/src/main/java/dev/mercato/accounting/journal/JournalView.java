package dev.mercato.accounting.journal;

import dev.mercato.accounting.Books;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderRound;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.payments.events.PaymentCaptured;
import dev.mercato.payments.events.PaymentRefunded;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import dev.mercato.plane.web.MoneyJson;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Accounting's books, derived from the orders and payments logs alone into accounting's own schema: its
 * copy of the order facts it needs, and a double-entry journal per merchant. Because it is built from
 * events only, it can be rebuilt from the log like every other view, and a rebuild books exactly what the
 * incremental run booked.
 *
 * <p>Each entry is keyed by the event that caused it, so a redelivered event never books twice, and a
 * payment is captured and refunded at most once each. The lines of an entry are written in the entry's
 * transaction, and a deferred constraint trigger refuses the commit of any entry whose debits and credits
 * differ in a currency: an unbalanced entry cannot exist, whatever code writes it.
 */
public final class JournalView implements View {

    public static final String NAME = Books.VIEW;

    private final String name;
    private final List<String> topics;

    /** The platform's view: accounting's schema, fed by the orders and payments topics. */
    public JournalView() {
        this(NAME, List.of(Topics.of("orders"), Topics.of("payments")));
    }

    /** A view of its own name on topics of its own, for tests that share a broker. */
    public JournalView(String name, List<String> topics) {
        this.name = Objects.requireNonNull(name, "name");
        this.topics = List.copyOf(topics);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public void createTables(JdbcClient tx, Generation g) {
        String orders = g.table("orders");
        String entries = g.table("entries");
        String lines = g.table("lines");
        String check = g.view() + "." + g.table("entry_balances");
        // Tax stays NULL: no order event carries tax, and the books do not guess it.
        tx.sql("CREATE TABLE IF NOT EXISTS " + orders + " (order_id text PRIMARY KEY, merchant_id text NOT NULL,"
                        + " customer_id text NOT NULL, currency text NOT NULL, subtotal numeric(19, 4) NOT NULL,"
                        + " total numeric(19, 4) NOT NULL, tax numeric(19, 4), status text NOT NULL,"
                        + " placed_at timestamptz NOT NULL, updated_at timestamptz NOT NULL)")
                .update();
        tx.sql("CREATE TABLE IF NOT EXISTS " + entries + " (entry_id text PRIMARY KEY, merchant_id text NOT NULL,"
                        + " kind text NOT NULL CHECK (kind IN ('capture', 'refund')), payment_id text NOT NULL,"
                        + " order_id text NOT NULL, currency text NOT NULL, source_event uuid NOT NULL UNIQUE,"
                        + " source_type text NOT NULL, at timestamptz NOT NULL, UNIQUE (payment_id, kind))")
                .update();
        tx.sql("CREATE INDEX IF NOT EXISTS " + entries + "_by_merchant ON " + entries + " (merchant_id, at, entry_id)")
                .update();
        tx.sql("CREATE TABLE IF NOT EXISTS " + lines + " (entry_id text NOT NULL REFERENCES " + entries
                        + " (entry_id) DEFERRABLE INITIALLY DEFERRED, line_no integer NOT NULL,"
                        + " merchant_id text NOT NULL, account text NOT NULL CHECK (account IN ("
                        + Account.sqlList() + ")), side text NOT NULL CHECK (side IN ('debit', 'credit')),"
                        + " amount numeric(19, 4) NOT NULL CHECK (amount > 0), currency text NOT NULL,"
                        + " PRIMARY KEY (entry_id, line_no))")
                .update();
        tx.sql("CREATE INDEX IF NOT EXISTS " + lines + "_by_merchant ON " + lines + " (merchant_id, account, currency)")
                .update();
        // Checked at commit, once every line of the entry is in: per currency, debits equal credits, and an
        // entry has at least two lines.
        tx.sql("CREATE OR REPLACE FUNCTION " + check + "() RETURNS trigger LANGUAGE plpgsql AS $body$"
                        + " DECLARE e text; bad record; n integer;"
                        + " BEGIN"
                        + " IF TG_OP = 'DELETE' THEN e := OLD.entry_id; ELSE e := NEW.entry_id; END IF;"
                        + " SELECT currency, sum(CASE WHEN side = 'debit' THEN amount ELSE 0 END) AS debits,"
                        + " sum(CASE WHEN side = 'credit' THEN amount ELSE 0 END) AS credits INTO bad"
                        + " FROM " + g.view() + "." + lines + " WHERE entry_id = e GROUP BY currency"
                        + " HAVING sum(CASE WHEN side = 'debit' THEN amount ELSE -amount END) <> 0 LIMIT 1;"
                        + " IF FOUND THEN RAISE EXCEPTION"
                        + " 'journal entry % does not balance in %: debits %, credits %',"
                        + " e, bad.currency, bad.debits, bad.credits USING ERRCODE = 'check_violation'; END IF;"
                        + " SELECT count(*) INTO n FROM " + g.view() + "." + lines + " WHERE entry_id = e;"
                        + " IF n < 2 AND EXISTS (SELECT 1 FROM " + g.view() + "." + entries + " WHERE entry_id = e)"
                        + " THEN RAISE EXCEPTION 'journal entry % has % lines, at least 2 are needed', e, n"
                        + " USING ERRCODE = 'check_violation'; END IF;"
                        + " RETURN NULL; END $body$")
                .update();
        for (String table : List.of(entries, lines)) {
            tx.sql("DROP TRIGGER IF EXISTS " + table + "_balanced ON " + table).update();
            tx.sql("CREATE CONSTRAINT TRIGGER " + table + "_balanced AFTER INSERT OR UPDATE OR DELETE ON " + table
                            + " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + check + "()")
                    .update();
        }
    }

    @Override
    public void dropTables(JdbcClient tx, Generation g) {
        tx.sql("DROP TABLE IF EXISTS " + g.table("lines")).update();
        tx.sql("DROP TABLE IF EXISTS " + g.table("entries")).update();
        tx.sql("DROP TABLE IF EXISTS " + g.table("orders")).update();
        tx.sql("DROP FUNCTION IF EXISTS " + g.view() + "." + g.table("entry_balances") + "()")
                .update();
    }

    /**
     * A round in at most four set-based statements: the placements, each order's last status change, the
     * entries, and their lines. Equivalent to applying the round's events one by one in order: a placement
     * only inserts its order's row and every status change of that order comes after it in the order's stream
     * (so the last one is what the row ends with); an entry is written once per source event and per payment
     * and kind, the first in the round's order winning as it would one by one, and only a written entry gets
     * its lines. The balance check is deferred to the commit either way.
     */
    @Override
    public void applyAll(List<Event> events, JdbcClient tx, Generation g) {
        OrderRound round = OrderRound.of(events);
        List<OrderPlaced> placed = round.placed();
        List<Booked> booked = new ArrayList<>();
        for (Event e : round.others()) {
            if (e.type().equals(PaymentCaptured.TYPE)) {
                PaymentCaptured c = EventJson.read(e.data(), PaymentCaptured.class);
                booked.add(new Booked(e, c.merchant(), c.paymentId(), c.at(), capture(c.amount())));
            } else if (e.type().equals(PaymentRefunded.TYPE)) {
                PaymentRefunded r = EventJson.read(e.data(), PaymentRefunded.class);
                booked.add(new Booked(e, r.merchant(), r.paymentId(), r.at(), refund(r.amount())));
            }
        }
        if (!placed.isEmpty()) {
            tx.sql("INSERT INTO " + g.table("orders") + " (order_id, merchant_id, customer_id, currency, subtotal,"
                            + " total, tax, status, placed_at, updated_at) SELECT o, m, c, cur, s, t, NULL, 'placed',"
                            + " at, at FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[],"
                            + " ?::numeric[], ?::timestamptz[]) AS d(o, m, c, cur, s, t, at)"
                            + " ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            placed.stream().map(OrderPlaced::orderId).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::merchant).toArray(String[]::new),
                            placed.stream().map(OrderPlaced::customer).toArray(String[]::new),
                            placed.stream().map(p -> p.total().currency()).toArray(String[]::new),
                            // Decimal strings, parsed by the server as the one-event path's BigDecimal is.
                            placed.stream()
                                    .map(p -> new BigDecimal(p.subtotal().amount()).toPlainString())
                                    .toArray(String[]::new),
                            placed.stream()
                                    .map(p -> new BigDecimal(p.total().amount()).toPlainString())
                                    .toArray(String[]::new),
                            placed.stream()
                                    .map(p -> p.placedAt()
                                            .truncatedTo(ChronoUnit.MICROS)
                                            .toString())
                                    .toArray(String[]::new))
                    .update();
        }
        if (!round.lastStatus().isEmpty()) {
            List<OrderStatusChanged> changes = round.lastStatus();
            tx.sql("UPDATE " + g.table("orders") + " AS o SET status = d.s, updated_at = d.at FROM unnest(?::text[],"
                            + " ?::text[], ?::timestamptz[]) AS d(id, s, at) WHERE o.order_id = d.id")
                    .params(
                            changes.stream().map(OrderStatusChanged::orderId).toArray(String[]::new),
                            changes.stream().map(OrderStatusChanged::to).toArray(String[]::new),
                            changes.stream()
                                    .map(c -> c.at().truncatedTo(ChronoUnit.MICROS)
                                            .toString())
                                    .toArray(String[]::new))
                    .update();
        }
        if (!booked.isEmpty()) {
            book(tx, g, booked);
        }
    }

    /** One entry to book: the event it comes from and what it posts. */
    private record Booked(Event event, String merchant, String payment, Instant at, Posting posting) {}

    /** The entries in one statement (those already booked are skipped), then the lines of those written. */
    private static void book(JdbcClient tx, Generation g, List<Booked> booked) {
        // A payment's id is its order's id (checkout authorizes under the order id).
        List<String> written = tx.sql("INSERT INTO " + g.table("entries") + " (entry_id, merchant_id, kind,"
                        + " payment_id, order_id, currency, source_event, source_type, at) SELECT e, m, k, p, p, cur,"
                        + " src, t, at FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::uuid[],"
                        + " ?::text[], ?::timestamptz[]) WITH ORDINALITY AS d(e, m, k, p, cur, src, t, at, n)"
                        + " ORDER BY n ON CONFLICT DO NOTHING RETURNING entry_id")
                .params(
                        booked.stream().map(b -> b.event().id().toString()).toArray(String[]::new),
                        booked.stream().map(Booked::merchant).toArray(String[]::new),
                        booked.stream().map(b -> b.posting().kind()).toArray(String[]::new),
                        booked.stream().map(Booked::payment).toArray(String[]::new),
                        booked.stream().map(b -> b.posting().currency()).toArray(String[]::new),
                        booked.stream().map(b -> b.event().id()).toArray(UUID[]::new),
                        booked.stream().map(b -> b.event().type().wire()).toArray(String[]::new),
                        booked.stream()
                                .map(b -> b.at().truncatedTo(ChronoUnit.MICROS).toString())
                                .toArray(String[]::new))
                .query(String.class)
                .list();
        if (written.isEmpty()) {
            return;
        }
        Set<String> entries = new HashSet<>(written);
        List<String> entry = new ArrayList<>();
        List<Integer> lineNo = new ArrayList<>();
        List<String> merchant = new ArrayList<>();
        List<String> account = new ArrayList<>();
        List<String> side = new ArrayList<>();
        List<String> amount = new ArrayList<>();
        List<String> currency = new ArrayList<>();
        for (Booked b : booked) {
            String id = b.event().id().toString();
            if (!entries.contains(id)) {
                continue;
            }
            int no = 1;
            for (Posting.Line line : b.posting().lines()) {
                entry.add(id);
                lineNo.add(no++);
                merchant.add(b.merchant());
                account.add(line.account().wire());
                side.add(line.side().wire());
                amount.add(line.amount().toPlainString());
                currency.add(b.posting().currency());
            }
        }
        tx.sql("INSERT INTO " + g.table("lines") + " (entry_id, line_no, merchant_id, account, side, amount,"
                        + " currency) SELECT * FROM unnest(?::text[], ?::int[], ?::text[], ?::text[], ?::text[],"
                        + " ?::numeric[], ?::text[])")
                .params(
                        entry.toArray(String[]::new),
                        lineNo.toArray(Integer[]::new),
                        merchant.toArray(String[]::new),
                        account.toArray(String[]::new),
                        side.toArray(String[]::new),
                        amount.toArray(String[]::new),
                        currency.toArray(String[]::new))
                .update();
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation g) {
        if (event.type().equals(OrderPlaced.TYPE)) {
            OrderPlaced p = EventJson.read(event.data(), OrderPlaced.class);
            tx.sql("INSERT INTO " + g.table("orders") + " (order_id, merchant_id, customer_id, currency, subtotal,"
                            + " total, tax, status, placed_at, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, NULL, 'placed', ?, ?) ON CONFLICT (order_id) DO NOTHING")
                    .params(
                            p.orderId(),
                            p.merchant(),
                            p.customer(),
                            p.total().currency(),
                            new BigDecimal(p.subtotal().amount()),
                            new BigDecimal(p.total().amount()),
                            Timestamp.from(p.placedAt().truncatedTo(ChronoUnit.MICROS)),
                            Timestamp.from(p.placedAt().truncatedTo(ChronoUnit.MICROS)))
                    .update();
        } else if (event.type().equals(OrderStatusChanged.TYPE)) {
            OrderStatusChanged c = EventJson.read(event.data(), OrderStatusChanged.class);
            tx.sql("UPDATE " + g.table("orders") + " SET status = ?, updated_at = ? WHERE order_id = ?")
                    .params(c.to(), Timestamp.from(c.at().truncatedTo(ChronoUnit.MICROS)), c.orderId())
                    .update();
        } else if (event.type().equals(PaymentCaptured.TYPE)) {
            PaymentCaptured c = EventJson.read(event.data(), PaymentCaptured.class);
            book(tx, g, event, c.merchant(), c.paymentId(), c.at(), capture(c.amount()));
        } else if (event.type().equals(PaymentRefunded.TYPE)) {
            PaymentRefunded r = EventJson.read(event.data(), PaymentRefunded.class);
            book(tx, g, event, r.merchant(), r.paymentId(), r.at(), refund(r.amount()));
        }
        // Authorizations, declines and voids move no money: nothing to book.
    }

    private static Posting capture(MoneyJson amount) {
        return Posting.capture(new BigDecimal(amount.amount()), amount.currency());
    }

    private static Posting refund(MoneyJson amount) {
        return Posting.refund(new BigDecimal(amount.amount()), amount.currency());
    }

    /** Writes the entry and its lines, unless this event (or this payment's entry of this kind) is booked. */
    private static void book(
            JdbcClient tx, Generation g, Event event, String merchant, String payment, Instant at, Posting posting) {
        String entry = event.id().toString();
        // A payment's id is its order's id (checkout authorizes under the order id).
        int inserted = tx.sql("INSERT INTO " + g.table("entries") + " (entry_id, merchant_id, kind, payment_id,"
                        + " order_id, currency, source_event, source_type, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT DO NOTHING")
                .params(
                        entry,
                        merchant,
                        posting.kind(),
                        payment,
                        payment,
                        posting.currency(),
                        event.id(),
                        event.type().wire(),
                        Timestamp.from(at.truncatedTo(ChronoUnit.MICROS)))
                .update();
        if (inserted == 0) {
            return;
        }
        int no = 1;
        for (Posting.Line line : posting.lines()) {
            tx.sql("INSERT INTO " + g.table("lines") + " (entry_id, line_no, merchant_id, account, side, amount,"
                            + " currency) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            entry,
                            no++,
                            merchant,
                            line.account().wire(),
                            line.side().wire(),
                            line.amount(),
                            posting.currency())
                    .update();
        }
    }
}
