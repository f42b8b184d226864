package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.testing.SharedKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The log's durability policy against the real single-node broker the platform embeds. */
class LogDurabilityIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void a_topic_the_relay_creates_carries_the_policy_as_its_own_configs() throws Exception {
        EventType type = EventType.of("d" + unique(), "thing-happened", 1);
        try (KafkaPublisher publisher =
                new KafkaPublisher(SharedKafka::bootstrapServers, 2, DurabilitySettings.EMBEDDED)) {
            publisher.publish(List.of(
                    new Event(UUID.randomUUID(), type, Instant.now(), MerchantId.of("acme"), "a-1", 1, "", "{}")));
        }

        try (Admin admin = admin()) {
            TopicDescription topic = admin.describeTopics(List.of(type.topic()))
                    .allTopicNames()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .get(type.topic());
            assertThat(topic.partitions()).hasSize(2);
            assertThat(topic.partitions())
                    .allSatisfy(p -> assertThat(p.replicas()).hasSize(1));

            Config config = topicConfig(admin, type.topic());
            // Set on the topic itself, not inherited from the broker, so a cluster default cannot weaken it.
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
            assertThat(config.get("min.insync.replicas").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");
            assertThat(config.get("unclean.leader.election.enable").source())
                    .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("retention.ms").value()).isEqualTo("-1");
        }
        // And the start-up check finds nothing to say about it.
        assertThat(LogTopics.verify(SharedKafka.bootstrapServers(), DurabilitySettings.EMBEDDED))
                .noneMatch(warning -> warning.contains(type.topic()));
    }

    @Test
    void the_embedded_broker_fsyncs_every_append_and_never_elects_an_unclean_leader() throws Exception {
        try (Admin admin = admin()) {
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config config = admin.describeConfigs(List.of(broker))
                    .all()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .get(broker);
            assertThat(config.get("log.flush.interval.messages").value()).isEqualTo("1");
            assertThat(config.get("unclean.leader.election.enable").value()).isEqualTo("false");
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("1");
            assertThat(config.get("default.replication.factor").value()).isEqualTo("1");
        }
    }

    @Test
    void start_up_refuses_more_replicas_than_the_single_embedded_broker_and_says_what_to_change() {
        DurabilitySettings cluster = DurabilitySettings.EXTERNAL;

        assertThatThrownBy(() -> LogTopics.verify(SharedKafka.bootstrapServers(), cluster))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mercato.kafka.replication-factor=3")
                .hasMessageContaining("has 1 broker")
                .hasMessageContaining("Set mercato.kafka.replication-factor to at most 1")
                .hasMessageContaining("mercato.mode=embedded");
    }

    @Test
    void a_topic_the_relay_would_create_with_too_many_replicas_is_refused_naming_the_settings() {
        String topic = "mercato.d" + unique();

        assertThatThrownBy(() -> LogTopics.ensure(
                        SharedKafka.bootstrapServers(), List.of(topic), 1, new DurabilitySettings(2, 1, "all")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic)
                .hasMessageContaining("mercato.kafka.replication-factor");
    }

    @Test
    void an_existing_topic_weaker_than_the_policy_is_reported_with_its_fix_and_left_as_it_is() throws Exception {
        String topic = "mercato.d" + unique();
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                            .configs(Map.of("unclean.leader.election.enable", "true"))))
                    .all()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            LogTopics.awaitLeaders(admin, List.of(topic), WAIT);

            List<String> warnings = LogTopics.verify(SharedKafka.bootstrapServers(), DurabilitySettings.EMBEDDED);

            assertThat(warnings)
                    .filteredOn(w -> w.contains(topic))
                    .singleElement()
                    .satisfies(w -> assertThat(w)
                            .contains("unclean leader election")
                            .contains("kafka-configs.sh --bootstrap-server " + SharedKafka.bootstrapServers())
                            .contains("--entity-name " + topic + " --add-config unclean.leader.election.enable=false"));
            assertThat(topicConfig(admin, topic)
                            .get("unclean.leader.election.enable")
                            .value())
                    .as("reported, not altered")
                    .isEqualTo("true");
        }
    }

    private static Config topicConfig(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource))
                .all()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                .get(resource);
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers()));
    }
}
