package dev.mercato.plane.outbox;

import dev.mercato.plane.consume.WritePressure;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every capability's outbox in this process: registering a store migrates its outbox table and starts
 * its relay. Closing stops the relays, before the pools and the log they use are closed.
 */
public final class Outboxes implements AutoCloseable {

    private final PostgresStores stores;
    private final LogPublisher publisher;
    private final RelaySettings settings;
    private final Clock clock;
    private final Map<String, OutboxRelay> relays = new LinkedHashMap<>();
    private final Map<String, SequenceRetention> retentions = new LinkedHashMap<>();

    private final WritePressure pressure;
    private final Duration linger;

    public Outboxes(PostgresStores stores, LogPublisher publisher, RelaySettings settings, Clock clock) {
        this(stores, publisher, settings, clock, WritePressure.NONE, Duration.ZERO);
    }

    /** Relays that gather rows for up to {@code linger} between rounds while {@code pressure} says busy. */
    public Outboxes(
            PostgresStores stores,
            LogPublisher publisher,
            RelaySettings settings,
            Clock clock,
            WritePressure pressure,
            Duration linger) {
        this.stores = stores;
        this.publisher = publisher;
        this.settings = settings;
        this.clock = clock;
        this.pressure = pressure;
        this.linger = linger;
    }

    public synchronized Outbox register(CapabilityStore store) {
        if (!relays.containsKey(store.schema())) {
            stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
            relays.put(
                    store.schema(),
                    new OutboxRelay(store, publisher, settings, clock, OutboxRelay.Faults.NONE, pressure, linger)
                            .start());
            retentions.put(store.schema(), new SequenceRetention(store, clock));
        }
        return new Outbox(store, clock, relays.get(store.schema())::wake);
    }

    public synchronized List<OutboxStatus> status() {
        return relays.values().stream().map(OutboxRelay::status).toList();
    }

    /**
     * Forgets the sequence rows of streams idle past the horizon in every registered outbox, without ever letting a
     * stream's sequence go back (see {@link SequenceRetention}). Safe on several instances at once.
     *
     * @return rows deleted
     */
    public int forgetIdleSequences(SequenceRetentionSettings retention) {
        List<SequenceRetention> all;
        synchronized (this) {
            all = List.copyOf(retentions.values());
        }
        int total = 0;
        for (SequenceRetention r : all) {
            total += r.sweep(retention);
        }
        return total;
    }

    /** The capabilities that publish, for creating their topics. */
    public synchronized List<String> sources() {
        return new ArrayList<>(relays.keySet());
    }

    @Override
    public synchronized void close() {
        relays.values().forEach(OutboxRelay::close);
        relays.clear();
        retentions.clear();
    }
}
