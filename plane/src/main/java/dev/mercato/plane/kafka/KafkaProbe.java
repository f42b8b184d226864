package dev.mercato.plane.kafka;

import dev.mercato.plane.StoreProbe;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** The log answers: the same check for the in-process broker and an external cluster. */
public final class KafkaProbe implements StoreProbe, AutoCloseable {

    private final Supplier<String> bootstrapServers;
    private Admin admin;

    /** The address is asked for on the first check, so the probe can exist before the broker is up. */
    public KafkaProbe(Supplier<String> bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Properties props = new Properties();
            KafkaClients.apply(props);
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers.get());
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "mercato-health");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            admin = Admin.create(props);
        }
        return admin;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        try {
            details.put("bootstrapServers", bootstrapServers.get());
            var cluster = admin().describeCluster(new DescribeClusterOptions().timeoutMs(3000));
            details.put("clusterId", cluster.clusterId().get(3, TimeUnit.SECONDS));
            details.put("brokers", cluster.nodes().get(3, TimeUnit.SECONDS).size());
            return Result.up(details);
        } catch (Exception e) {
            details.put("error", String.valueOf(e.getMessage()));
            return Result.down(details);
        }
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
