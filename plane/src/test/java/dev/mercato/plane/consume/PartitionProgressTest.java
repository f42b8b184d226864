package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PartitionProgressTest {

    static final LogPartition P = new LogPartition("t", 0);
    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    @Test
    void before_its_log_end_is_read_a_partition_is_starting_with_its_lag_unknown_not_zero() {
        PartitionProgress progress = new PartitionProgress(P, 40);

        PartitionFreshness f = progress.freshness(ViewState.RUNNING, T0);

        assertThat(f.state()).isEqualTo(ViewState.STARTING);
        assertThat(f.logEndOffset()).isEqualTo(ViewFreshness.UNKNOWN);
        assertThat(f.lagEvents()).isEqualTo(ViewFreshness.UNKNOWN);
        assertThat(f.lagMillis()).isEqualTo(ViewFreshness.UNKNOWN);
        assertThat(f.started()).isFalse();
        assertThat(ViewFreshness.of("v", 1, true, ViewState.RUNNING, java.util.List.of(f))
                        .state())
                .isEqualTo(ViewState.STARTING);
    }

    @Test
    void behind_since_assignment_its_lag_in_time_is_unknown_until_the_oldest_waiting_record_is_fetched() {
        PartitionProgress progress = new PartitionProgress(P, 40);
        progress.observed(50, null, T0);

        PartitionFreshness behind = progress.freshness(ViewState.RUNNING, T0.plusSeconds(3));
        assertThat(behind.state()).isEqualTo(ViewState.CATCHING_UP);
        assertThat(behind.lagEvents()).isEqualTo(10);
        assertThat(behind.lagMillis()).isEqualTo(ViewFreshness.UNKNOWN);
        assertThat(behind.started()).isFalse();

        progress.observed(50, T0.minusSeconds(30), T0.plusSeconds(3));
        assertThat(progress.freshness(ViewState.RUNNING, T0.plusSeconds(3)).lagMillis())
                .isEqualTo(33_000);
    }

    @Test
    void it_has_started_once_it_applied_up_to_the_first_log_end_it_read_even_while_the_log_grows() {
        PartitionProgress progress = new PartitionProgress(P, 40);
        progress.observed(50, null, T0);
        progress.applied(50, T0.plusSeconds(1));
        progress.observed(60, null, T0.plusSeconds(2));

        PartitionFreshness f = progress.freshness(ViewState.RUNNING, T0.plusSeconds(5));
        assertThat(f.started()).isTrue();
        assertThat(f.lagEvents()).isEqualTo(10);
        // Seen caught up at T0+1 s and behind from T0+2 s: the time since stands in for the record's age.
        assertThat(f.lagMillis()).isEqualTo(3_000);
    }

    @Test
    void caught_up_with_the_log_end_it_read_it_runs_with_no_lag() {
        PartitionProgress progress = new PartitionProgress(P, 50);
        progress.observed(50, null, T0);

        PartitionFreshness f = progress.freshness(ViewState.RUNNING, T0.plusSeconds(1));
        assertThat(f.state()).isEqualTo(ViewState.RUNNING);
        assertThat(f.lagEvents()).isZero();
        assertThat(f.lagMillis()).isZero();
        assertThat(f.started()).isTrue();
    }
}
