package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mercato.plane.kafka.ViewConsumerLoop;
import dev.mercato.plane.testing.SharedKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A view that will apply nothing for a while sends the log no fetch requests: one paused by an operator, and
 * one held back because derived work spent its share under a write peak. Every fetch costs the broker and
 * the consumer whether or not its records are applied (JFR put paused views' fetching at ~16 % of the
 * platform's samples before they stopped). Each case runs beside a view that applies everything, so "the
 * log grew and was fetched" is observed, not waited for.
 */
class HeldBackFetchIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RECORDS = 20;
    // The fetch in flight when the view stopped accepting, and the one that brought its first waiting record.
    private static final int SLACK = 3;

    private final TestLog log = new TestLog();

    /** Hands records to nobody but a list; accepts while told to; {@code onRound} runs inside each round. */
    static final class Sink implements LogSink {
        final AtomicBoolean accepting = new AtomicBoolean(true);
        final AtomicBoolean assigned = new AtomicBoolean();
        final List<LogRecord> got = new CopyOnWriteArrayList<>();
        Runnable onRound = () -> {};

        @Override
        public Map<LogPartition, Long> assigned(Collection<LogPartition> partitions) {
            assigned.set(true);
            return Map.of();
        }

        @Override
        public void revoked(Collection<LogPartition> partitions) {}

        @Override
        public boolean accepting() {
            return accepting.get();
        }

        @Override
        public void accept(List<LogRecord> records) {
            onRound.run();
            got.addAll(records);
        }

        @Override
        public void observed(LogPartition partition, long logEnd, java.time.Instant oldestWaiting) {}
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void a_paused_view_sends_no_fetch_while_the_log_grows_and_reads_it_all_once_resumed() throws Exception {
        String topic = log.newTopic(1);
        Sink control = new Sink();
        Sink paused = new Sink();
        paused.accepting.set(false);
        ViewConsumerLoop loop = ViewConsumerLoop.on(SharedKafka.bootstrapServers());
        try (LogSubscription controlling = loop.assign("control-" + topic, List.of(topic), control);
                LogSubscription held = loop.assign("paused-" + topic, List.of(topic), paused)) {
            await().atMost(WAIT).until(() -> control.assigned.get() && paused.assigned.get());
            long before = held.fetchRequests();

            growLogBeside(topic, control, 0);

            assertThat(controlling.fetchRequests()).isGreaterThanOrEqualTo(RECORDS);
            assertThat(held.fetchRequests() - before).isLessThanOrEqualTo(SLACK);
            assertThat(paused.got).isEmpty();

            paused.accepting.set(true);
            await().atMost(WAIT).until(() -> paused.got.size() == RECORDS);
        }
    }

    @Test
    void a_view_held_back_under_a_write_peak_sends_no_fetch_until_its_turn_comes() throws Exception {
        String topic = log.newTopic(1);
        // Time stands still but for the one round below, which "takes" a second: with a share of 0.1 that
        // closes the gate for nine seconds that never pass while the write path stays busy.
        AtomicLong now = new AtomicLong();
        AtomicBoolean peak = new AtomicBoolean(true);
        DerivedWork work = new DerivedWork(1, Duration.ZERO, 0.1, Duration.ofHours(1), peak::get, now::get);
        Sink control = new Sink();
        Sink budgeted = new Sink();
        budgeted.onRound = () -> now.addAndGet(Duration.ofSeconds(1).toNanos());
        try (LogSubscription controlling = ViewConsumerLoop.on(SharedKafka.bootstrapServers())
                        .assign("control-" + topic, List.of(topic), control);
                LogSubscription held = ViewConsumerLoop.on(SharedKafka.bootstrapServers(), work)
                        .assign("budgeted-" + topic, List.of(topic), budgeted)) {
            await().atMost(WAIT).until(() -> control.assigned.get() && budgeted.assigned.get());
            log.send(topic, event("order-0", 1, 1));
            await().atMost(WAIT).until(() -> budgeted.got.size() == 1 && control.got.size() == 1);
            assertThat(work.holding(0)).as("the round spent the budget").isTrue();
            long before = held.fetchRequests();

            growLogBeside(topic, control, 1);

            assertThat(held.fetchRequests() - before).isLessThanOrEqualTo(SLACK);
            assertThat(budgeted.got).hasSize(1);

            peak.set(false);
            await().atMost(WAIT).until(() -> budgeted.got.size() == RECORDS + 1);
        }
    }

    /** Sends records one at a time, each once the applying view has it, so every one is a fetch of its own. */
    private void growLogBeside(String topic, Sink applying, int already) throws Exception {
        for (int i = 1; i <= RECORDS; i++) {
            log.send(topic, event("order-" + i, 1, i));
            int expected = already + i;
            await().atMost(WAIT).until(() -> applying.got.size() == expected);
        }
    }
}
