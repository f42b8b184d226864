package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path data;

    @Test
    void a_record_produced_with_acks_all_is_consumed_back() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(data.resolve("kafka")))) {
            createTopic(kafka, "orders.placed");

            produce(kafka, "orders.placed", List.of("order-1 placed"));

            // A group consumer also proves the single-node offsets topic can be created and written.
            try (KafkaConsumer<String, String> consumer = consumer(kafka, Optional.of("order-view"))) {
                consumer.subscribe(List.of("orders.placed"));
                List<String> values = pollValues(consumer, 1);
                consumer.commitSync();
                assertThat(values).containsExactly("order-1 placed");
            }
        }
    }

    @Test
    void restarting_on_the_same_folder_keeps_topics_and_records() throws Exception {
        Path folder = data.resolve("kafka");
        List<String> sent = IntStream.range(0, 200).mapToObj(i -> "event-" + i).toList();
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            createTopic(kafka, "stock.changed");
            produce(kafka, "stock.changed", sent);
            clusterId = clusterId(kafka);
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            assertThat(clusterId(kafka)).isEqualTo(clusterId);
            try (Admin admin = admin(kafka)) {
                assertThat(admin.listTopics().names().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                        .contains("stock.changed");
            }
            try (KafkaConsumer<String, String> consumer = consumer(kafka, Optional.empty())) {
                TopicPartition partition = new TopicPartition("stock.changed", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                assertThat(pollValues(consumer, sent.size())).containsExactlyElementsOf(sent);
            }
        }
    }

    @Test
    void committed_consumer_offsets_survive_a_restart() throws Exception {
        Path folder = data.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            createTopic(kafka, "payments.captured");
            produce(kafka, "payments.captured", List.of("p-1", "p-2", "p-3"));
            try (KafkaConsumer<String, String> consumer = consumer(kafka, Optional.of("ledger"))) {
                consumer.subscribe(List.of("payments.captured"));
                pollValues(consumer, 3);
                consumer.commitSync();
            }
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder));
                Admin admin = admin(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("ledger")
                    .partitionsToOffsetAndMetadata()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(committed.get(new TopicPartition("payments.captured", 0)).offset())
                    .isEqualTo(3);
        }
    }

    @Test
    void the_first_start_formats_the_folder_and_later_starts_reuse_it() throws Exception {
        Path folder = data.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            assertThat(kafka.isRunning()).isTrue();
        }
        Map<Path, String> formatted = metaProperties(folder);
        assertThat(formatted).isNotEmpty();
        assertThat(formatted.values()).allSatisfy(text -> assertThat(text).contains("cluster.id="));

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            assertThat(kafka.isRunning()).isTrue();
        }
        assertThat(metaProperties(folder)).isEqualTo(formatted);
    }

    @Test
    void a_second_broker_on_a_folder_in_use_is_refused_and_the_first_keeps_running() {
        Path folder = data.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(folder.toString())
                    .hasMessageContaining("in use");
            assertThat(kafka.healthy(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void a_start_that_fails_names_the_folder_and_leaves_it_usable() throws Exception {
        Path folder = data.resolve("kafka");
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafkaSettings onTakenPort = new EmbeddedKafkaSettings(folder, taken.getLocalPort(), Map.of());
            assertThatThrownBy(() -> EmbeddedKafka.start(onTakenPort))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(folder.toString())
                    .hasMessageContaining("Address already in use");
        }

        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(folder))) {
            assertThat(kafka.healthy(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void after_close_the_broker_is_stopped_and_refuses_clients() throws Exception {
        // Leaving the block closes a second time, which must be harmless for owners that close on several paths.
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(data.resolve("kafka")))) {
            assertThat(kafka.healthy(Duration.ofSeconds(5))).isTrue();

            kafka.close();

            assertThat(kafka.isRunning()).isFalse();
            assertThat(kafka.healthy(Duration.ofSeconds(1))).isFalse();
            String[] hostAndPort = kafka.bootstrapServers().split(":");
            InetSocketAddress address = new InetSocketAddress(hostAndPort[0], Integer.parseInt(hostAndPort[1]));
            assertThatThrownBy(() -> {
                        try (Socket socket = new Socket()) {
                            socket.connect(address, 1_000);
                        }
                    })
                    .isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void new_topics_keep_records_forever_and_are_never_created_by_accident() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaSettings.of(data.resolve("kafka")));
                Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic("catalog.changed", Optional.empty(), Optional.empty())))
                    .all()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            LogTopics.awaitLeaders(admin, List.of("catalog.changed"), WAIT);

            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "catalog.changed");
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(List.of(topic, broker)).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(configs.get(topic).get("retention.ms").value()).isEqualTo("-1");
            assertThat(configs.get(topic).get("retention.bytes").value()).isEqualTo("-1");
            assertThat(configs.get(topic).get("min.insync.replicas").value()).isEqualTo("1");
            assertThat(configs.get(broker).get("auto.create.topics.enable").value())
                    .isEqualTo("false");
            assertThat(admin.describeTopics(List.of("catalog.changed"))
                            .allTopicNames()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                            .get("catalog.changed")
                            .partitions())
                    .hasSize(1);
        }
    }

    @Test
    void overrides_win_over_the_platform_defaults() throws Exception {
        EmbeddedKafkaSettings settings =
                new EmbeddedKafkaSettings(data.resolve("kafka"), 0, Map.of("num.partitions", "3"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings);
                Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic("search.indexed", Optional.empty(), Optional.empty())))
                    .all()
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            LogTopics.awaitLeaders(admin, List.of("search.indexed"), WAIT);
            assertThat(admin.describeTopics(List.of("search.indexed"))
                            .allTopicNames()
                            .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                            .get("search.indexed")
                            .partitions())
                    .hasSize(3);
        }
    }

    @Test
    void a_fixed_port_is_used_as_given() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        EmbeddedKafkaSettings settings = new EmbeddedKafkaSettings(data.resolve("kafka"), port, Map.of());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(settings)) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            assertThat(kafka.healthy(Duration.ofSeconds(5))).isTrue();
        }
    }

    private static void createTopic(EmbeddedKafka kafka, String name) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
            LogTopics.awaitLeaders(admin, List.of(name), WAIT);
        }
    }

    private static void produce(EmbeddedKafka kafka, String topic, List<String> values) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (String value : values) {
                acks.add(producer.send(new ProducerRecord<>(topic, value, value)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka, Optional<String> group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        group.ifPresent(id -> props.put(ConsumerConfig.GROUP_ID_CONFIG, id));
        return new KafkaConsumer<>(props);
    }

    /** Polls until at least {@code count} records have arrived. */
    private static List<String> pollValues(KafkaConsumer<String, String> consumer, int count) {
        List<String> values = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                values.add(record.value());
            }
            return values.size() >= count;
        });
        return values;
    }

    private static Map<Path, String> metaProperties(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            Map<Path, String> contents = new TreeMap<>();
            for (Path file : files.filter(f -> f.getFileName().toString().equals("meta.properties"))
                    .toList()) {
                contents.put(file, Files.readString(file));
            }
            return contents;
        }
    }

    private static String clusterId(EmbeddedKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            return admin.describeCluster().clusterId().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
