package dev.mercato.bench;

import dev.mercato.plane.kafka.EmbeddedKafka;
import dev.mercato.plane.kafka.EmbeddedKafkaSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * A single-node Kafka broker in a process of its own, on a fixed port and folder, so a harness can kill it
 * with SIGKILL and start it again where it was: what an outside broker of a cluster does for the platform.
 * Usage: {@code StandaloneBroker <folder> <port>}; prints {@code broker ready on <address>} when it serves.
 */
public final class StandaloneBroker {

    public static void main(String[] args) throws Exception {
        Path folder = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        EmbeddedKafka broker = EmbeddedKafka.start(new EmbeddedKafkaSettings(folder.resolve("log"), port, Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-stop"));
        System.out.println("broker ready on " + broker.bootstrapServers());
        Thread.currentThread().join();
    }
}
