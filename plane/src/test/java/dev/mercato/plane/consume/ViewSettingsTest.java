package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ViewSettingsTest {

    @Test
    void backoff_starts_at_the_initial_wait_doubles_after_each_failure_and_stops_at_the_cap() {
        ViewSettings s = new ViewSettings(8, Duration.ofMillis(100), Duration.ofMillis(1_000));

        assertThat(s.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(s.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(s.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(s.backoff(5)).isEqualTo(Duration.ofMillis(1_000));
        assertThat(s.backoff(10_000)).isEqualTo(Duration.ofMillis(1_000));
    }

    @Test
    void settings_that_could_never_apply_an_event_are_refused() {
        assertThatThrownBy(() -> new ViewSettings(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ViewSettings(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
