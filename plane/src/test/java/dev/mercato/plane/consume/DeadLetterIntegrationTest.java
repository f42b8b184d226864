package dev.mercato.plane.consume;

import static dev.mercato.plane.consume.TestLog.event;
import static dev.mercato.plane.consume.TestLog.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadLetterIntegrationTest extends ViewTestSupport {

    private final String a = key("order-a");
    private final String b = key("order-b");

    @Test
    void a_poison_event_is_parked_after_its_attempts_its_key_waits_others_go_on_and_a_redrive_applies_in_order()
            throws Exception {
        String topic = log.newTopic(1);
        TotalsView view = new TotalsView(viewName, topic);
        view.poisoned.add(TotalsView.id(a, 2));
        runtime = newRuntime();
        runtime.start(view);
        DeadLetters deadLetters = runtime.deadLetters(viewName);

        // One partition: the blocked key and the others share it, so "others go on" is the hard case.
        log.send(topic, event("order-a", 1, 1), event("order-b", 1, 10), event("order-a", 2, 2));
        log.sendPoison(topic, a);
        log.send(topic, event("order-a", 3, 3), event("order-b", 2, 20), event("order-a", 4, 4));
        log.send(topic, event("order-b", 3, 30));

        await().atMost(WAIT)
                .until(() -> TotalsView.sequences(runtime, viewName, b).size() == 3);
        await().atMost(WAIT).until(() -> deadLetters.list().size() == 4);
        assertThat(TotalsView.sequences(runtime, viewName, a)).containsExactly(1L);
        // Once in the round that held it, then its attempts alone.
        assertThat(view.calls(a, 2)).isEqualTo(FAST_RETRIES.maxAttempts() + 1);
        assertThat(view.calls(a, 3)).isZero();
        List<DeadLetter> parked = deadLetters.list();
        DeadLetter failed = parked.stream()
                .filter(l -> l.reason() == DeadLetter.Reason.FAILED)
                .findFirst()
                .orElseThrow();
        assertThat(failed.key()).isEqualTo(a);
        assertThat(failed.sequence()).isEqualTo(2L);
        assertThat(failed.attempts()).isEqualTo(FAST_RETRIES.maxAttempts());
        assertThat(failed.error()).contains("poisoned " + TotalsView.id(a, 2));
        assertThat(deadLetters.get(failed.id())).contains(failed);
        assertThat(parked)
                .filteredOn(l -> l.reason() == DeadLetter.Reason.BEHIND)
                .extracting(DeadLetter::key, DeadLetter::sequence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(a, 3L), org.assertj.core.groups.Tuple.tuple(a, 4L));
        DeadLetter undecodable = parked.stream()
                .filter(l -> l.reason() == DeadLetter.Reason.UNDECODABLE)
                .findFirst()
                .orElseThrow();
        assertThat(undecodable.sequence()).isNull();
        assertThat(undecodable.error()).contains("missing header");

        // A redrive before the fix fails again and keeps everything parked, with the new attempt counted.
        Redrive tooEarly = deadLetters.redriveKey(a);
        assertThat(tooEarly.applied()).isZero();
        assertThat(tooEarly.stillParked()).isEqualTo(3);
        assertThat(tooEarly.lastError()).contains("poisoned");
        assertThat(deadLetters.get(failed.id()).orElseThrow().attempts()).isEqualTo(FAST_RETRIES.maxAttempts() + 1);
        long behindId = parked.stream()
                .filter(l -> l.reason() == DeadLetter.Reason.BEHIND)
                .findFirst()
                .orElseThrow()
                .id();
        assertThatThrownBy(() -> deadLetters.redrive(behindId))
                .isInstanceOfSatisfying(
                        dev.mercato.plane.Conflict.class,
                        c -> assertThat(c.type()).isEqualTo("dead-letter-not-first"))
                .hasMessageContaining("waits behind");

        // Still blocked: a later event of the key joins its queue; other keys keep flowing.
        log.send(topic, event("order-a", 5, 5), event("order-b", 4, 40));
        await().atMost(WAIT)
                .until(() -> TotalsView.sequences(runtime, viewName, b).size() == 4);
        await().atMost(WAIT).until(() -> deadLetters.list().size() == 5);

        view.poisoned.clear();
        Redrive fixed = deadLetters.redriveKey(a);

        assertThat(fixed).isEqualTo(new Redrive(4, 0, null));
        assertThat(TotalsView.sequences(runtime, viewName, a)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(deadLetters.list()).extracting(DeadLetter::reason).containsExactly(DeadLetter.Reason.UNDECODABLE);
        // Unblocked: the next event of the key is applied directly.
        log.send(topic, event("order-a", 6, 6));
        await().atMost(WAIT)
                .until(() -> TotalsView.sequences(runtime, viewName, a).size() == 6);
        assertThat(TotalsView.totals(runtime, viewName)).containsEntry(a, 21L).containsEntry(b, 100L);
        assertThat(deadLetters.discard(undecodable.id())).isTrue();
        assertThat(deadLetters.list()).isEmpty();
    }

    @Test
    void a_transient_failure_is_retried_with_backoff_and_applied_without_parking() throws Exception {
        String topic = log.newTopic(1);
        TotalsView view = new TotalsView(viewName, topic);
        view.flaky.put(TotalsView.id(b, 2), new AtomicInteger(2));
        runtime = newRuntime();
        runtime.start(view);

        log.send(topic, event("order-b", 1, 1), event("order-b", 2, 2), event("order-b", 3, 3));

        await().atMost(WAIT)
                .until(() -> TotalsView.sequences(runtime, viewName, b).size() == 3);
        assertThat(TotalsView.sequences(runtime, viewName, b)).containsExactly(1L, 2L, 3L);
        assertThat(view.calls(b, 2)).isEqualTo(3);
        assertThat(runtime.deadLetters(viewName).list()).isEmpty();
    }

    @Test
    void a_single_parked_event_at_the_head_of_its_queue_can_be_redriven_alone() throws Exception {
        String topic = log.newTopic(1);
        TotalsView view = new TotalsView(viewName, topic);
        view.poisoned.add(TotalsView.id(a, 1));
        runtime = newRuntime();
        runtime.start(view);
        DeadLetters deadLetters = runtime.deadLetters(viewName);
        log.send(topic, event("order-a", 1, 1), event("order-a", 2, 2));
        await().atMost(WAIT).until(() -> deadLetters.list().size() == 2);
        DeadLetter head = deadLetters.list().getFirst();
        view.poisoned.clear();

        Redrive one = deadLetters.redrive(head.id());

        assertThat(one).isEqualTo(new Redrive(1, 1, null));
        assertThat(TotalsView.sequences(runtime, viewName, a)).containsExactly(1L);
        assertThat(deadLetters.redriveAll()).isEqualTo(new Redrive(1, 0, null));
        assertThat(TotalsView.sequences(runtime, viewName, a)).containsExactly(1L, 2L);
    }
}
