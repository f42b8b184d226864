package dev.mercato.orders;

import dev.mercato.plane.events.ConsistencyToken;
import java.util.List;

/** An order after a change, and the tokens to read that change back from derived views (none if unchanged). */
public record OrderUpdate(Order order, List<ConsistencyToken> tokens) {

    public OrderUpdate {
        tokens = List.copyOf(tokens);
    }

    public static OrderUpdate unchanged(Order order) {
        return new OrderUpdate(order, List.of());
    }
}
