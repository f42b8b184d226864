package dev.mercato.plane.testing;

import dev.mercato.plane.kafka.EmbeddedKafka;
import dev.mercato.plane.kafka.EmbeddedKafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/** One real Kafka broker per test JVM, started on first use and stopped when the JVM exits. */
public final class SharedKafka {

    private static EmbeddedKafka broker;

    private SharedKafka() {}

    public static synchronized EmbeddedKafka broker() {
        if (broker == null) {
            try {
                broker = EmbeddedKafka.start(EmbeddedKafkaSettings.of(Files.createTempDirectory("mercato-test-kafka")));
                Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "shared-kafka-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return broker;
    }

    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }
}
