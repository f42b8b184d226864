package dev.mercato.fulfillment.domain;

import dev.mercato.fulfillment.Fulfillment;
import dev.mercato.fulfillment.PickListStatus;
import dev.mercato.fulfillment.events.PickLine;
import dev.mercato.fulfillment.store.JdbcPickLists;
import dev.mercato.orders.events.OrderPlaced;
import dev.mercato.orders.events.OrderStatusChanged;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.View;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.Topics;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fulfillment's intake from the orders log, run by the plane's view runtime so each event is applied once,
 * in the same transaction as its offset bookkeeping and the pick list's own outbox event: a placed order
 * gets its pick list, a cancelled or refunded one has it closed.
 *
 * <p>Its name is fulfillment's schema, so the runtime keeps its bookkeeping beside the pick lists. It is
 * not rebuildable: the pick lists also hold what merchants reported, which no log replay could restore.
 */
public final class PickListIntake implements View {

    public static final String NAME = Fulfillment.INTAKE_VIEW;

    private final JdbcPickLists pickLists;
    private final List<String> topics;

    public PickListIntake(JdbcPickLists pickLists, String ordersTopic) {
        this.pickLists = pickLists;
        this.topics = List.of(ordersTopic);
    }

    public PickListIntake(JdbcPickLists pickLists) {
        this(pickLists, Topics.of("orders"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> topics() {
        return topics;
    }

    @Override
    public boolean rebuildable() {
        return false;
    }

    /** The tables are fulfillment's own, made by its migrations. */
    @Override
    public void createTables(JdbcClient tx, Generation generation) {}

    @Override
    public void dropTables(JdbcClient tx, Generation generation) {}

    /**
     * Placed orders get their pick lists a run at a time ({@link JdbcPickLists#createAll}); any other event
     * first creates the run before it, so an order placed and cancelled in one round is created, then
     * closed.
     */
    @Override
    public void applyAll(List<Event> events, JdbcClient tx, Generation generation) {
        List<JdbcPickLists.Draft> run = new ArrayList<>();
        for (Event event : events) {
            if (event.type().equals(OrderPlaced.TYPE)) {
                run.add(draft(EventJson.read(event.data(), OrderPlaced.class)));
            } else {
                pickLists.createAll(run);
                run.clear();
                apply(event, tx, generation);
            }
        }
        pickLists.createAll(run);
    }

    private static JdbcPickLists.Draft draft(OrderPlaced p) {
        return new JdbcPickLists.Draft(
                p.orderId(),
                p.merchant(),
                p.customer(),
                p.lines().stream()
                        .map(l -> new PickLine(l.sku(), l.title(), l.quantity()))
                        .toList(),
                p.placedAt(),
                "order-placed");
    }

    @Override
    public void apply(Event event, JdbcClient tx, Generation generation) {
        if (event.type().equals(OrderPlaced.TYPE)) {
            pickLists.create(draft(EventJson.read(event.data(), OrderPlaced.class)));
        } else if (event.type().equals(OrderStatusChanged.TYPE)) {
            OrderStatusChanged c = EventJson.read(event.data(), OrderStatusChanged.class);
            switch (c.to()) {
                case "cancelled", "refunded" -> pickLists.close(c.orderId(), "order-" + c.to());
                case "picking" -> pickLists.follow(c.orderId(), PickListStatus.PICKED);
                case "packed" -> pickLists.follow(c.orderId(), PickListStatus.PACKED);
                case "shipped" -> pickLists.follow(c.orderId(), PickListStatus.SHIPPED);
                case "delivered" -> pickLists.follow(c.orderId(), PickListStatus.DELIVERED);
                default -> {}
            }
        }
        // Checkout's own bookkeeping events are not orders to fulfil.
    }
}
