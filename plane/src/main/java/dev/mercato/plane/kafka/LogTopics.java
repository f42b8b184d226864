package dev.mercato.plane.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the platform's topics on purpose (auto-creation is off): retention unlimited, because events
 * are the record every view is rebuilt from.
 */
public final class LogTopics {

    private LogTopics() {}

    public static void ensure(String bootstrapServers, Collection<String> topics, int partitions, short replication) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(p)) {
            List<NewTopic> wanted = topics.stream()
                    .map(t -> new NewTopic(t, partitions, replication)
                            .configs(Map.of("retention.ms", "-1", "retention.bytes", "-1")))
                    .toList();
            var result = admin.createTopics(wanted);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + entry.getKey() + ": "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
