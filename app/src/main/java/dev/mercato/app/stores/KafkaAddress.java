package dev.mercato.app.stores;

import dev.mercato.plane.kafka.EmbeddedKafka;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The log's address, and the broker when this process runs it (which may still be starting). */
public final class KafkaAddress implements AutoCloseable {

    private final CompletableFuture<EmbeddedKafka> broker;
    private final String external;

    private KafkaAddress(CompletableFuture<EmbeddedKafka> broker, String external) {
        this.broker = broker;
        this.external = external;
    }

    static KafkaAddress external(String bootstrapServers) {
        return new KafkaAddress(CompletableFuture.completedFuture(null), bootstrapServers);
    }

    static KafkaAddress embedded(CompletableFuture<EmbeddedKafka> broker) {
        return new KafkaAddress(broker, null);
    }

    /** Waits for the embedded broker if it is still starting; fails as it failed. */
    public String bootstrapServers() {
        if (external != null) {
            return external;
        }
        try {
            return broker.join().bootstrapServers();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public void close() {
        if (external == null) {
            broker.thenAccept(EmbeddedKafka::close).exceptionally(e -> null).join();
        }
    }
}
