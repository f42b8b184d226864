package dev.mercato.plane.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;

/**
 * The combiner's promises, with batches written to memory: each caller gets its own outcome and only after
 * its batch was written; batches never overlap and never exceed their bound; callers that queue behind a
 * batch are written together; a batch failing on its data splits so only the bad item fails, one failing on
 * its store fails every item in it and nobody else.
 */
class CombinerTest {

    /** A store in memory that writes a batch at a time and records each batch. */
    static final class Store {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        /** Every call, written or failed. */
        final List<List<Integer>> attempts = Collections.synchronizedList(new ArrayList<>());

        final Set<Integer> written = ConcurrentHashMap.newKeySet();
        final AtomicInteger inside = new AtomicInteger();
        volatile int overlaps;
        volatile int bad = -1;
        volatile boolean down;

        List<String> write(List<Integer> items) {
            if (inside.incrementAndGet() > 1) {
                overlaps++;
            }
            try {
                attempts.add(List.copyOf(items));
                if (down) {
                    throw new QueryTimeoutException("store down");
                }
                if (items.contains(bad)) {
                    throw new DataIntegrityViolationException("item " + bad + " breaks a constraint");
                }
                batches.add(List.copyOf(items));
                written.addAll(items);
                return items.stream().map(i -> "done " + i).toList();
            } finally {
                inside.decrementAndGet();
            }
        }

        String single(Integer item) {
            return write(List.of(item)).getFirst();
        }
    }

    @Test
    void a_caller_alone_writes_its_own_batch_at_once() {
        Store store = new Store();
        Combiner<Integer, String> combiner = new Combiner<>("test", 8, store::write, store::single);

        assertThat(combiner.write(1)).isEqualTo("done 1");
        assertThat(combiner.write(2)).isEqualTo("done 2");

        assertThat(store.batches).containsExactly(List.of(1), List.of(2));
        assertThat(combiner.stats()).isEqualTo(new Combiner.Stats(2, 2));
    }

    @Test
    void callers_queued_behind_a_batch_are_written_together_and_each_gets_its_own_outcome() throws Exception {
        Store store = new Store();

        List<Object> answers = queuedBehindTheFirst(store, 11, 4);

        for (int i = 0; i <= 10; i++) {
            assertThat(answers.get(i)).isEqualTo("done " + i);
        }
        // The ten that queued went in batches of at most four: three batches after the first.
        assertThat(store.batches).hasSize(4);
        assertThat(store.batches.subList(1, 4)).allSatisfy(b -> assertThat(b).hasSizeBetween(2, 4));
        assertThat(store.written).hasSize(11);
        assertThat(store.overlaps).isZero();
    }

    @Test
    void a_batch_failing_on_one_items_data_fails_only_that_caller() throws Exception {
        Store store = new Store();
        store.bad = 3;
        List<Object> answers = queuedBehindTheFirst(store, 8, 8);

        for (int i = 0; i < 8; i++) {
            if (i == 3) {
                assertThat(answers.get(i)).isInstanceOf(DataIntegrityViolationException.class);
            } else {
                assertThat(answers.get(i)).isEqualTo("done " + i);
            }
        }
        // Items 1 to 7 were tried together, failed on item 3, and were then written one by one.
        assertThat(store.attempts).anySatisfy(a -> assertThat(a).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7));
        assertThat(store.batches).contains(List.of(1), List.of(2), List.of(4), List.of(7));
        assertThat(store.written).doesNotContain(3).hasSize(7);
    }

    @Test
    void a_batch_failing_on_its_store_fails_each_caller_in_it_without_writing_them_one_by_one() throws Exception {
        Store store = new Store();
        store.down = true;

        List<Object> answers = queuedBehindTheFirst(store, 6, 8);

        assertThat(answers).allSatisfy(a -> assertThat(a).isInstanceOf(QueryTimeoutException.class));
        // The first alone, then the five that queued behind it in one try, and nothing more.
        assertThat(store.attempts).hasSize(2);
        assertThat(store.attempts.get(0)).containsExactly(0);
        assertThat(store.attempts.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        store.down = false;
        Combiner<Integer, String> after = new Combiner<>("test", 8, store::write, store::single);
        assertThat(after.write(7)).isEqualTo("done 7");
    }

    /**
     * Item 0 is written alone and held inside its batch until items 1 to {@code callers - 1} all queued behind
     * it; each caller's answer or exception, by item.
     */
    private static List<Object> queuedBehindTheFirst(Store store, int callers, int maxBatch) throws Exception {
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Combiner<Integer, String> combiner = new Combiner<>(
                "test",
                maxBatch,
                items -> {
                    if (items.contains(0)) {
                        firstInside.countDown();
                        await(release);
                    }
                    return store.write(items);
                },
                store::single);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            futures.add(pool.submit(() -> answer(combiner, 0)));
            assertThat(firstInside.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < callers; i++) {
                int item = i;
                futures.add(pool.submit(() -> answer(combiner, item)));
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> combiner.queued() == callers - 1);
            release.countDown();
            List<Object> answers = new ArrayList<>();
            for (Future<Object> f : futures) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Object answer(Combiner<Integer, String> combiner, int item) {
        try {
            return combiner.write(item);
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void random_interleavings_write_every_item_once_in_batches_that_never_overlap() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 20; round++) {
            Store store = new Store();
            int maxBatch = 1 + random.nextInt(6);
            int callers = 2 + random.nextInt(30);
            store.bad = random.nextInt(3) == 0 ? random.nextInt(callers) : -1;
            Combiner<Integer, String> combiner = new Combiner<>("test", maxBatch, store::write, store::single);

            List<Object> answers = runConcurrently(combiner, callers);

            for (int i = 0; i < callers; i++) {
                Object expected = i == store.bad ? DataIntegrityViolationException.class : "done " + i;
                if (expected instanceof Class<?> type) {
                    assertThat(answers.get(i)).isInstanceOf(type);
                } else {
                    assertThat(answers.get(i)).isEqualTo(expected);
                }
            }
            assertThat(store.overlaps).isZero();
            assertThat(store.batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(maxBatch));
            List<Integer> all = store.batches.stream().flatMap(List::stream).toList();
            assertThat(all).doesNotHaveDuplicates().hasSize(callers - (store.bad >= 0 ? 1 : 0));
            Combiner.Stats stats = combiner.stats();
            assertThat(stats.items()).isEqualTo(callers);
        }
    }

    @Test
    void a_batch_answering_the_wrong_number_of_outcomes_fails_its_callers_instead_of_mixing_answers() {
        Combiner<Integer, String> combiner = new Combiner<>("test", 8, items -> List.of(), item -> "alone");

        assertThatThrownBy(() -> combiner.write(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned 0 outcomes");
    }

    /** Each caller's answer or exception, by item; all start at once on their own threads. */
    private static List<Object> runConcurrently(Combiner<Integer, String> combiner, int callers) {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                int item = i;
                futures.add(pool.submit(() -> {
                    await(start);
                    try {
                        return combiner.write(item);
                    } catch (RuntimeException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Object> answers = new ArrayList<>();
            for (Future<Object> f : futures) {
                answers.add(f.get(30, TimeUnit.SECONDS));
            }
            return answers;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
