package dev.mercato.plane.consume;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.kafka.TestEventLog;
import dev.mercato.plane.testing.SharedKafka;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The shared test broker as a view's tests need it: fresh topics, events and poison records produced. */
final class TestLog implements AutoCloseable {

    static final EventType ADDED = EventType.of("ledger", "amount-added", 1);
    static final String MERCHANT = "shop-1";

    private final TestEventLog log = new TestEventLog(SharedKafka.bootstrapServers());

    /** A topic of its own for one test: auto-create is off on the broker. */
    String newTopic(int partitions) throws Exception {
        return log.newTopic(partitions);
    }

    String newTopic(String name, int partitions) throws Exception {
        return log.newTopic(name, partitions);
    }

    /** A member of {@code group} gone as after SIGKILL: the group keeps it until its session times out. */
    void abandonMember(String group, String topic, java.time.Duration sessionTimeout) {
        log.abandonMember(group, topic, sessionTimeout);
    }

    /** The stream events of {@code aggregate} belong to: what the runtime tracks sequences by. */
    static String key(String aggregate) {
        return ADDED.source() + ":" + Event.keyOf(MerchantId.of(MERCHANT), aggregate);
    }

    /** The same aggregate's event, published by another capability with its own sequence. */
    static Event eventFrom(String source, String aggregate, long sequence, long amount) {
        return new Event(
                UUID.randomUUID(),
                EventType.of(source, "amount-added", 1),
                Instant.now(),
                MerchantId.of(MERCHANT),
                aggregate,
                sequence,
                "",
                "{\"amount\":" + amount + "}");
    }

    static Event event(String aggregate, long sequence, long amount) {
        return new Event(
                UUID.randomUUID(),
                ADDED,
                Instant.now(),
                MerchantId.of(MERCHANT),
                aggregate,
                sequence,
                "",
                "{\"amount\":" + amount + "}");
    }

    /** Sends each event in order and waits until the broker has all of them. */
    void send(String topic, List<Event> events) throws Exception {
        log.send(topic, events);
    }

    void send(String topic, Event... events) throws Exception {
        send(topic, List.of(events));
    }

    /** A record no consumer can decode: no CloudEvents headers at all. */
    void sendPoison(String topic, String key) throws Exception {
        log.sendUndecodable(topic, key, "not an event");
    }

    @Override
    public void close() {
        log.close();
    }
}
