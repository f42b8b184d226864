package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How a view's round divides its 500 places between the partitions that have records waiting. */
class RoundSharesTest {

    private static Map<String, Integer> sizes(int... n) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < n.length; i++) {
            sizes.put("p" + i, n[i]);
        }
        return sizes;
    }

    @Test
    void one_busy_partition_among_empty_ones_fills_the_round() {
        assertThat(ViewConsumerLoop.shares(sizes(0, 0, 900, 0, 0, 0, 0, 0), 500))
                .isEqualTo(Map.of("p2", 500));
    }

    @Test
    void busy_partitions_share_the_round_equally() {
        Map<String, Integer> taken = ViewConsumerLoop.shares(sizes(600, 600, 600, 600), 500);
        assertThat(taken.values()).containsOnly(125);
    }

    @Test
    void what_a_short_partition_leaves_goes_to_the_others() {
        assertThat(ViewConsumerLoop.shares(sizes(1000, 10, 0, 5, 1000), 500))
                .isEqualTo(Map.of("p0", 243, "p1", 10, "p3", 5, "p4", 242));
    }

    @Test
    void a_round_takes_everything_when_less_than_a_round_waits() {
        assertThat(ViewConsumerLoop.shares(sizes(3, 0, 7), 500)).isEqualTo(Map.of("p0", 3, "p2", 7));
        assertThat(ViewConsumerLoop.shares(sizes(0, 0), 500)).isEmpty();
    }

    @Test
    void never_more_than_a_round_nor_than_a_partition_holds_and_full_when_it_can_be() {
        Random random = new Random(7);
        for (int run = 0; run < 2_000; run++) {
            int[] n = new int[1 + random.nextInt(12)];
            int waiting = 0;
            for (int i = 0; i < n.length; i++) {
                n[i] = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 30 : 800);
                waiting += n[i];
            }
            int max = 1 + random.nextInt(600);
            Map<String, Integer> sizes = sizes(n);
            Map<String, Integer> taken = ViewConsumerLoop.shares(sizes, max);
            int sum = taken.values().stream().mapToInt(Integer::intValue).sum();
            assertThat(sum).isEqualTo(Math.min(max, waiting));
            taken.forEach((p, k) -> assertThat(k).isBetween(1, sizes.get(p)));
            // Fair: a partition given less than another was given all it had.
            taken.forEach((p, k) -> taken.forEach((q, m) -> {
                if (k < m - 1) {
                    assertThat(k).isEqualTo(sizes.get(p));
                }
            }));
        }
    }
}
