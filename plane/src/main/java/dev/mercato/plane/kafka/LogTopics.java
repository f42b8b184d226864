package dev.mercato.plane.kafka;

import dev.mercato.plane.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the platform's topics on purpose (auto-creation is off) with the {@link DurabilitySettings durability
 * policy}, and checks that policy against the cluster at start-up.
 */
public final class LogTopics {

    private static final Logger log = LoggerFactory.getLogger(LogTopics.class);
    private static final String MIN_INSYNC = "min.insync.replicas";
    private static final String UNCLEAN = "unclean.leader.election.enable";
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private LogTopics() {}

    /**
     * Creates those of {@code topics} that do not exist yet, with the policy's replication factor and configs, and
     * waits until each has a leader. An existing topic is left as it is.
     */
    public static void ensure(
            String bootstrapServers, Collection<String> topics, int partitions, DurabilitySettings durability) {
        try (Admin admin = admin(bootstrapServers)) {
            List<NewTopic> wanted = topics.stream()
                    .map(t -> new NewTopic(t, partitions, (short) durability.replicationFactor())
                            .configs(durability.topicConfigs()))
                    .toList();
            var result = admin.createTopics(wanted);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "Cannot create topic " + entry.getKey() + " with replication factor "
                                        + durability.replicationFactor() + " and min.insync.replicas "
                                        + durability.minInsyncReplicas()
                                        + " (mercato.kafka.replication-factor, mercato.kafka.min-insync-replicas): "
                                        + e.getCause().getMessage(),
                                e.getCause());
                    }
                }
            }
            awaitLeaders(admin, topics, ADMIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The start-up check: refuses a policy the cluster cannot meet (more replicas than brokers) with what to change,
     * and warns about every existing platform topic weaker than the policy, naming the command that fixes it. Nothing
     * is altered: raising a topic's replication moves data between brokers, an operator's decision.
     *
     * @return the warnings logged, one per shortfall or weak choice
     */
    public static List<String> verify(String bootstrapServers, DurabilitySettings durability) {
        List<String> warnings = new ArrayList<>(durability.cautions());
        try (Admin admin = admin(bootstrapServers)) {
            int brokers = admin.describeCluster().nodes().get().size();
            if (durability.replicationFactor() > brokers) {
                throw new IllegalStateException("mercato.kafka.replication-factor=" + durability.replicationFactor()
                        + " but the Kafka cluster at " + bootstrapServers + " has " + brokers
                        + (brokers == 1 ? " broker" : " brokers") + ", so no topic could be created. Set"
                        + " mercato.kafka.replication-factor to at most " + brokers
                        + " (and mercato.kafka.min-insync-replicas to at most that), or add brokers"
                        + (brokers == 1
                                ? "; the embedded broker is a single node (mercato.mode=embedded): leave both unset."
                                : "."));
            }
            List<String> ours = admin.listTopics().names().get().stream()
                    .filter(Topics::isPlatformTopic)
                    .sorted()
                    .toList();
            if (!ours.isEmpty()) {
                Map<String, TopicDescription> described =
                        admin.describeTopics(ours).allTopicNames().get();
                List<ConfigResource> resources = ours.stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                        .toList();
                Map<ConfigResource, Config> configs =
                        admin.describeConfigs(resources).all().get();
                for (String topic : ours) {
                    int replicas = described.get(topic).partitions().stream()
                            .mapToInt(p -> p.replicas().size())
                            .min()
                            .orElse(0);
                    Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
                    warnings.addAll(shortfalls(
                            new TopicPolicy(
                                    topic,
                                    replicas,
                                    Integer.parseInt(config.get(MIN_INSYNC).value()),
                                    Boolean.parseBoolean(config.get(UNCLEAN).value())),
                            durability,
                            bootstrapServers));
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "Cannot check the log's durability at " + bootstrapServers + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        warnings.forEach(log::warn);
        return warnings;
    }

    /** What an existing topic keeps: its fewest replicas over its partitions, and its effective configs. */
    record TopicPolicy(String topic, int replicas, int minInsyncReplicas, boolean uncleanLeaderElection) {}

    /** How {@code topic} falls short of the policy, each with the command that fixes it. */
    static List<String> shortfalls(TopicPolicy topic, DurabilitySettings durability, String bootstrapServers) {
        List<String> found = new ArrayList<>();
        String configs = "kafka-configs.sh --bootstrap-server " + bootstrapServers
                + " --alter --entity-type topics --entity-name " + topic.topic() + " --add-config ";
        if (topic.replicas() < durability.replicationFactor()) {
            found.add("Topic " + topic.topic() + " has " + topic.replicas() + " replica(s) per partition, fewer than"
                    + " mercato.kafka.replication-factor=" + durability.replicationFactor()
                    + ": losing a broker that holds it loses acknowledged events. It is not changed automatically:"
                    + " raise it with kafka-reassign-partitions.sh --bootstrap-server " + bootstrapServers
                    + " --reassignment-json-file <plan> --execute (a plan giving every partition "
                    + durability.replicationFactor() + " brokers), or set mercato.kafka.replication-factor="
                    + topic.replicas() + " to accept it.");
        }
        if (topic.minInsyncReplicas() < durability.minInsyncReplicas()) {
            found.add("Topic " + topic.topic() + " has min.insync.replicas=" + topic.minInsyncReplicas()
                    + ", below mercato.kafka.min-insync-replicas=" + durability.minInsyncReplicas()
                    + ": an event is acknowledged with fewer copies than the policy asks. Fix: " + configs
                    + MIN_INSYNC + "=" + durability.minInsyncReplicas());
        }
        if (topic.uncleanLeaderElection()) {
            found.add("Topic " + topic.topic() + " allows unclean leader election: a replica that missed"
                    + " acknowledged events may become leader and drop them. Fix: " + configs + UNCLEAN + "=false");
        }
        return found;
    }

    private static Admin admin(String bootstrapServers) {
        Properties p = new Properties();
        KafkaClients.apply(p);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
        return Admin.create(p);
    }

    /**
     * Waits until every partition of the topics has a leader. Producing to a partition the broker has not
     * finished creating can lose an idempotent producer's first batch: it is refused as not-leader, a later
     * batch to the same partition is accepted, and every retry of the first is then out of order until its
     * delivery times out (KAFKA-15591). Nothing is produced before this returns.
     */
    public static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get();
                boolean led = described.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(partition -> partition.leader() != null
                                && !partition.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("Cannot describe topics " + topics + ": " + e.getCause(), e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Topics " + topics + " have partitions without a leader after "
                        + timeout.toSeconds() + " s: is every broker up?");
            }
            Thread.sleep(20);
        }
    }
}
