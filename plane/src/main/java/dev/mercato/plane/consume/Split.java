package dev.mercato.plane.consume;

import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * A round's events of one type, read as their payload, and the other events in their order: for a view's
 * {@link View#applyAll} that writes the first kind in one set-based statement and applies the rest one by one.
 *
 * @param matching the payloads of the events of the type, in the round's order
 * @param rest every other event, in the round's order
 */
public record Split<T>(List<T> matching, List<Event> rest) {

    public static <T> Split<T> of(List<Event> events, EventType type, Class<T> payload) {
        List<T> matching = new ArrayList<>();
        List<Event> rest = new ArrayList<>();
        for (Event e : events) {
            if (e.type().equals(type)) {
                matching.add(EventJson.read(e.data(), payload));
            } else {
                rest.add(e);
            }
        }
        return new Split<>(matching, rest);
    }
}
