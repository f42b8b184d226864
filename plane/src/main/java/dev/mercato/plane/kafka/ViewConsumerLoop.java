package dev.mercato.plane.kafka;

import dev.mercato.plane.consume.DerivedWork;
import dev.mercato.plane.consume.LogPartition;
import dev.mercato.plane.consume.LogRecord;
import dev.mercato.plane.consume.LogSink;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.consume.LogSubscription;
import dev.mercato.plane.events.Event;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the view runtime: one consumer thread per subscription that reads records, decodes
 * them and hands them to the sink one at a time in partition order. Positions come from the sink (its
 * checkpoints live in PostgreSQL with the view's rows); offsets are committed to Kafka only so that
 * Kafka's own tools show the group's lag.
 *
 * <p>A partition holding a round's worth of records not handed over yet is paused in the consumer, so a
 * paused or slow view holds at most a round and one poll per partition in memory, and the oldest waiting
 * record's timestamp is known for freshness. Rounds run within the process's {@link DerivedWork}: a bounded
 * number at once, and batched longer while the write path is under pressure.
 *
 * <p>A subscription joins its consumer group, which splits the partitions between the processes that run
 * the view. An assignment ({@link #assign}) takes every partition without joining: a process that restarts
 * then reads at once, where a group makes it wait until the previous process's member is forgotten (the
 * session timeout, after a crash) and a rebalance has run.
 */
public final class ViewConsumerLoop implements LogSource {

    private static final Logger log = LoggerFactory.getLogger(ViewConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration REFRESH_ENDS = Duration.ofMillis(250);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE = Duration.ofSeconds(3);
    private static final Duration RESTART = Duration.ofSeconds(1);
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);
    // How long the group waits for a member that stopped heartbeating before giving its partitions to
    // others, so also how long a process restarted after a crash waits for its shared views' partitions.
    // Kafka's default is 45 s; 10 s is still far above a heartbeat (every 3 s, from a thread of its own).
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);
    // Records handed over per call, so per transaction: enough to amortise a commit, small enough to keep
    // freshness and the stop check current.
    private static final int MAX_BATCH = 500;

    /**
     * How many records of each partition's buffer ({@code sizes}, in the order rounds take partitions) the next
     * round takes: an equal share of {@code max} per partition that has records, and what a partition with fewer
     * leaves goes to the others. So a busy partition cannot crowd the others out of a round, and a round is full
     * whenever {@code max} records wait: a poll mostly returns one partition's records, and a share counted over
     * every partition (empty ones too) cut catching up into rounds of a few dozen, each paying a commit.
     * Partitions that give nothing are left out.
     */
    static <P> Map<P, Integer> shares(Map<P, Integer> sizes, int max) {
        Map<P, Integer> taken = new java.util.LinkedHashMap<>();
        int room = max;
        while (room > 0) {
            int open = 0;
            for (Map.Entry<P, Integer> e : sizes.entrySet()) {
                if (e.getValue() > taken.getOrDefault(e.getKey(), 0)) {
                    open++;
                }
            }
            if (open == 0) {
                break;
            }
            int each = Math.max(1, room / open);
            for (Map.Entry<P, Integer> e : sizes.entrySet()) {
                int already = taken.getOrDefault(e.getKey(), 0);
                int n = Math.min(Math.min(each, room), e.getValue() - already);
                if (n > 0) {
                    taken.put(e.getKey(), already + n);
                    room -= n;
                }
            }
        }
        return taken;
    }

    private final Map<String, Object> config;
    private final DerivedWork work;
    private volatile MeterRegistry registry;

    /**
     * @param config consumer properties; at least {@code bootstrap.servers}
     * @param work the share of the machine every subscription's rounds run within
     */
    public ViewConsumerLoop(Map<String, Object> config, DerivedWork work) {
        Objects.requireNonNull(config.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG), "bootstrap.servers");
        this.config = Map.copyOf(config);
        this.work = Objects.requireNonNull(work, "work");
    }

    /** Without limits on derived work: for tests and tools that run one view. */
    public static ViewConsumerLoop on(String bootstrapServers) {
        return on(bootstrapServers, DerivedWork.unlimited());
    }

    public static ViewConsumerLoop on(String bootstrapServers, DerivedWork work) {
        return new ViewConsumerLoop(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), work);
    }

    /**
     * Consumers started from now on report their Kafka client metrics to {@code registry} ({@code
     * kafka.consumer.*}, tagged with the consumer group: the view and its generation), for as long as they run.
     */
    public void recordMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public LogSubscription subscribe(String group, List<String> topics, LogSink sink) {
        Running running = new Running(group, List.copyOf(topics), sink, false);
        running.thread.start();
        return running;
    }

    @Override
    public LogSubscription assign(String group, List<String> topics, LogSink sink) {
        Running running = new Running(group, List.copyOf(topics), sink, true);
        running.thread.start();
        return running;
    }

    @Override
    public Map<LogPartition, Long> endOffsets(Collection<String> topics) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties(null))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo info : consumer.partitionsFor(topic, CALL_TIMEOUT)) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
            }
            Map<LogPartition, Long> ends = new HashMap<>();
            consumer.endOffsets(partitions, CALL_TIMEOUT).forEach((tp, end) -> ends.put(of(tp), end));
            return ends;
        }
    }

    private Map<String, Object> properties(String group) {
        Map<String, Object> props = new HashMap<>();
        KafkaClients.apply(props);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The outbox relay may publish in transactions: never show a view what may still be aborted.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.putAll(config);
        if (group != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
            props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
        }
        return props;
    }

    private static LogPartition of(TopicPartition tp) {
        return new LogPartition(tp.topic(), tp.partition());
    }

    private static List<LogPartition> of(Collection<TopicPartition> tps) {
        return tps.stream().map(ViewConsumerLoop::of).toList();
    }

    private final class Running implements LogSubscription, ConsumerRebalanceListener {

        private final String group;
        private final List<String> topics;
        private final LogSink sink;
        // Takes every partition itself instead of joining the group.
        private final boolean alone;
        private final Thread thread;
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile KafkaConsumer<String, byte[]> consumer;
        private final Map<TopicPartition, ArrayDeque<ConsumerRecord<String, byte[]>>> buffers = new HashMap<>();
        private final Map<TopicPartition, Long> ends = new HashMap<>();
        private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
        private volatile boolean closing;
        private long nextRefresh;
        // The consumers' fetch request counts: those replaced after a failure, and the current one's metric.
        private volatile long earlierFetches;
        private volatile org.apache.kafka.common.Metric fetches;

        Running(String group, List<String> topics, LogSink sink, boolean alone) {
            this.group = group;
            this.topics = topics;
            this.sink = sink;
            this.alone = alone;
            this.thread = new Thread(this::run, "view-" + group);
            this.thread.setDaemon(true);
        }

        /** Consumes until closed; a consumer that fails is replaced, since a view that stops silently goes stale. */
        private void run() {
            while (!closing) {
                try {
                    consume();
                } catch (RuntimeException e) {
                    if (closing) {
                        return;
                    }
                    log.error("Consumer {} failed; starting a new one in {}", group, RESTART, e);
                    try {
                        if (closed.await(RESTART.toMillis(), TimeUnit.MILLISECONDS)) {
                            return;
                        }
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        private void consume() {
            KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(properties(group));
            consumer = c;
            MeterRegistry meters = registry;
            KafkaClientMetrics clientMetrics = null;
            if (meters != null) {
                clientMetrics = new KafkaClientMetrics(c, Tags.of("consumer.group", group));
                clientMetrics.bindTo(meters);
            }
            earlierFetches += fetchesOf(fetches);
            fetches = c.metrics().entrySet().stream()
                    .filter(e -> e.getKey().name().equals("fetch-total")
                            && e.getKey().group().equals("consumer-fetch-manager-metrics"))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null);
            try {
                if (closing) {
                    return;
                }
                buffers.clear();
                ends.clear();
                handled.clear();
                if (alone) {
                    if (!assignAll(c)) {
                        return;
                    }
                } else {
                    c.subscribe(topics, this);
                }
                Duration wait = POLL;
                while (!closing) {
                    ConsumerRecords<String, byte[]> polled = c.poll(wait);
                    for (TopicPartition tp : polled.partitions()) {
                        buffers.computeIfAbsent(tp, k -> new ArrayDeque<>()).addAll(polled.records(tp));
                    }
                    throttle();
                    refresh();
                    if (sink.accepting()) {
                        drain();
                    }
                    commit();
                    // Records held back while the write path is busy are looked at again soon.
                    wait = buffered() > 0 && sink.accepting() ? work.nextCheck(oldestWaiting()) : POLL;
                }
            } catch (WakeupException e) {
                if (!closing) {
                    throw e;
                }
            } finally {
                if (clientMetrics != null) {
                    clientMetrics.close();
                }
                try {
                    c.close(CloseOptions.timeout(CLOSE));
                } catch (RuntimeException e) {
                    log.warn("Consumer {} did not close cleanly: {}", group, e.toString());
                }
            }
        }

        /**
         * Assigns every partition of the topics, waiting for a topic that does not exist yet (the sink holds
         * no partitions meanwhile, so its view says it is starting). False when closed first.
         */
        private boolean assignAll(KafkaConsumer<String, byte[]> c) {
            boolean told = false;
            while (!closing) {
                List<TopicPartition> all = new ArrayList<>();
                List<String> missing = new ArrayList<>();
                for (String topic : topics) {
                    List<PartitionInfo> infos;
                    try {
                        infos = c.partitionsFor(topic, CALL_TIMEOUT);
                    } catch (org.apache.kafka.common.errors.TimeoutException
                            | org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
                        infos = List.of();
                    }
                    if (infos == null || infos.isEmpty()) {
                        missing.add(topic);
                    } else {
                        infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
                    }
                }
                if (missing.isEmpty()) {
                    c.assign(all);
                    onPartitionsAssigned(all);
                    return true;
                }
                if (!told) {
                    log.info("Consumer {} waits for topics {} to be created", group, missing);
                    told = true;
                }
                try {
                    if (closed.await(TOPIC_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }

        /**
         * Stops fetching for partitions that hold a round's worth of records, fetches again for the others:
         * a view holding records back to batch them keeps receiving, and a slow view holds at most a round
         * and one poll per partition. A view that will not apply anything for a while fetches nothing: one
         * paused by an operator, or one with records waiting while derived work has spent its share under a
         * write peak ({@link DerivedWork#holding}). Every fetch answered costs the broker and the consumer
         * alike, whether or not its records are applied; held back, the view fetches what accumulated in
         * one go once its turn comes.
         */
        private void throttle() {
            boolean holdAll = !sink.accepting() || (buffered() > 0 && work.holding(oldestWaiting()));
            List<TopicPartition> full = new ArrayList<>();
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : consumer.assignment()) {
                var buffer = buffers.get(tp);
                (holdAll || (buffer != null && buffer.size() >= MAX_BATCH) ? full : open).add(tp);
            }
            consumer.pause(full);
            consumer.resume(open);
        }

        private int buffered() {
            int n = 0;
            for (var buffer : buffers.values()) {
                n += buffer.size();
            }
            return n;
        }

        @Override
        public long fetchRequests() {
            return earlierFetches + fetchesOf(fetches);
        }

        private static long fetchesOf(org.apache.kafka.common.Metric metric) {
            return metric != null && metric.metricValue() instanceof Number n ? n.longValue() : 0;
        }

        /** How long the oldest buffered record has been in the log, in nanoseconds; 0 when none. */
        private long oldestWaiting() {
            long oldest = Long.MAX_VALUE;
            for (var buffer : buffers.values()) {
                if (!buffer.isEmpty()) {
                    oldest = Math.min(oldest, buffer.peekFirst().timestamp());
                }
            }
            return oldest == Long.MAX_VALUE ? 0 : Math.max(0, System.currentTimeMillis() - oldest) * 1_000_000L;
        }

        private Map<TopicPartition, Integer> nextRound() {
            Map<TopicPartition, Integer> sizes = new java.util.LinkedHashMap<>();
            buffers.forEach((tp, buffer) -> sizes.put(tp, buffer.size()));
            return ViewConsumerLoop.shares(sizes, MAX_BATCH);
        }

        /**
         * Hands buffered records over in rounds. One round takes records of every partition (each
         * partition's in order, MAX_BATCH in all) so the sink applies them in one transaction: one commit
         * per round instead of one per partition.
         */
        private void drain() {
            while (!closing && sink.accepting()) {
                int buffered = buffered();
                if (!work.due(buffered, buffered >= MAX_BATCH, oldestWaiting())) {
                    return;
                }
                Map<TopicPartition, Integer> taken = nextRound();
                List<LogRecord> batch = new ArrayList<>(MAX_BATCH);
                taken.forEach((tp, n) -> {
                    var records = buffers.get(tp).iterator();
                    for (int i = 0; i < n; i++) {
                        batch.add(toLogRecord(records.next()));
                    }
                });
                if (batch.isEmpty()) {
                    return;
                }
                try {
                    work.round(() -> {
                        sink.accept(batch);
                        return null;
                    });
                } catch (RuntimeException e) {
                    if (closing || !sink.accepting()) {
                        return;
                    }
                    // The sink retries its own failures; if one escapes anyway, read the records again
                    // from the sink's checkpoints (a prefix of the round may be handled).
                    log.error(
                            "Consumer {} could not hand over records of {}; reading them again",
                            group,
                            taken.keySet(),
                            e);
                    for (TopicPartition tp : taken.keySet()) {
                        buffers.get(tp).clear();
                        Long position = sink.assigned(List.of(of(tp))).get(of(tp));
                        if (position == null) {
                            consumer.seekToBeginning(List.of(tp));
                        } else {
                            consumer.seek(tp, position);
                        }
                    }
                    return;
                }
                taken.forEach((tp, n) -> {
                    ArrayDeque<ConsumerRecord<String, byte[]>> buffer = buffers.get(tp);
                    long last = -1;
                    for (int i = 0; i < n; i++) {
                        last = buffer.pollFirst().offset();
                    }
                    handled.put(tp, new OffsetAndMetadata(last + 1));
                    report(tp);
                });
                refresh();
            }
        }

        private LogRecord toLogRecord(ConsumerRecord<String, byte[]> r) {
            LogPartition partition = new LogPartition(r.topic(), r.partition());
            Instant timestamp = Instant.ofEpochMilli(Math.max(0, r.timestamp()));
            try {
                Event event = EventCodec.fromRecord(r);
                return LogRecord.decoded(partition, r.offset(), timestamp, r.key(), event);
            } catch (RuntimeException e) {
                return LogRecord.undecodable(partition, r.offset(), timestamp, r.key(), e.getMessage());
            }
        }

        /** Log ends cost a round trip to the broker, so they are refreshed on a timer, not per record. */
        private void refresh() {
            long now = System.nanoTime();
            if (now < nextRefresh) {
                return;
            }
            nextRefresh = now + REFRESH_ENDS.toNanos();
            var assigned = consumer.assignment();
            if (assigned.isEmpty()) {
                return;
            }
            try {
                ends.putAll(consumer.endOffsets(assigned, CALL_TIMEOUT));
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                log.warn("Consumer {} could not read log ends: {}", group, e.toString());
            }
            assigned.forEach(this::report);
        }

        private void report(TopicPartition tp) {
            var buffer = buffers.get(tp);
            Instant oldest = buffer == null || buffer.isEmpty()
                    ? null
                    : Instant.ofEpochMilli(Math.max(0, buffer.peekFirst().timestamp()));
            sink.observed(of(tp), ends.getOrDefault(tp, -1L), oldest);
        }

        private void commit() {
            if (handled.isEmpty()) {
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(handled);
            handled.clear();
            consumer.commitAsync(offsets, (done, e) -> {
                if (e != null) {
                    log.debug(
                            "Consumer {} could not commit {} (only Kafka's view of lag suffers): {}",
                            group,
                            done,
                            e.toString());
                }
            });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<LogPartition, Long> positions = sink.assigned(of(partitions));
            List<TopicPartition> fromStart = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                Long position = positions.get(of(tp));
                if (position == null) {
                    fromStart.add(tp);
                } else {
                    consumer.seek(tp, position);
                }
            }
            if (!fromStart.isEmpty()) {
                consumer.seekToBeginning(fromStart);
            }
            nextRefresh = 0;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            partitions.forEach(tp -> {
                buffers.remove(tp);
                ends.remove(tp);
                handled.remove(tp);
            });
            sink.revoked(of(partitions));
        }

        @Override
        public void close() {
            closing = true;
            closed.countDown();
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("Consumer {} did not stop within 10 s", group);
            }
        }
    }
}
