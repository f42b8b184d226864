package dev.mercato.plane.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.kafka.LogTopics.TopicPolicy;
import org.junit.jupiter.api.Test;

class DurabilitySettingsTest {

    @Test
    void the_defaults_are_one_fsynced_copy_embedded_and_two_of_three_copies_on_a_cluster() {
        assertThat(DurabilitySettings.EMBEDDED).isEqualTo(new DurabilitySettings(1, 1, "all"));
        assertThat(DurabilitySettings.EXTERNAL).isEqualTo(new DurabilitySettings(3, 2, "all"));
        assertThat(DurabilitySettings.EXTERNAL.topicConfigs())
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("unclean.leader.election.enable", "false")
                .containsEntry("retention.ms", "-1");
        assertThat(DurabilitySettings.EXTERNAL.cautions()).isEmpty();
    }

    @Test
    void more_insync_replicas_than_replicas_is_refused_with_what_to_change() {
        assertThatThrownBy(() -> new DurabilitySettings(2, 3, "all"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(
                        "mercato.kafka.min-insync-replicas=3 is more than mercato.kafka.replication-factor=2")
                .hasMessageContaining("Set mercato.kafka.min-insync-replicas to at most 2");
    }

    @Test
    void acks_other_than_all_are_refused_because_the_producer_is_idempotent() {
        assertThatThrownBy(() -> new DurabilitySettings(3, 2, "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mercato.kafka.acks=1 is refused")
                .hasMessageContaining("Set mercato.kafka.acks=all");
        assertThat(new DurabilitySettings(3, 2, "-1").acks()).isEqualTo("all");
        assertThat(new DurabilitySettings(3, 2, " ALL ").acks()).isEqualTo("all");
    }

    @Test
    void a_replication_factor_below_one_is_refused() {
        assertThatThrownBy(() -> new DurabilitySettings(0, 1, "all"))
                .hasMessageContaining("mercato.kafka.replication-factor must be 1 or more");
    }

    @Test
    void unset_settings_take_the_modes_defaults_and_an_unset_min_insync_never_exceeds_the_replicas_given() {
        assertThat(DurabilitySettings.of(DurabilitySettings.EXTERNAL, null, null, null))
                .isEqualTo(DurabilitySettings.EXTERNAL);
        assertThat(DurabilitySettings.of(DurabilitySettings.EXTERNAL, 1, null, "all"))
                .isEqualTo(new DurabilitySettings(1, 1, "all"));
        assertThat(DurabilitySettings.of(DurabilitySettings.EXTERNAL, 5, 3, "all"))
                .isEqualTo(new DurabilitySettings(5, 3, "all"));
        assertThat(DurabilitySettings.of(DurabilitySettings.EMBEDDED, null, null, "all"))
                .isEqualTo(DurabilitySettings.EMBEDDED);
    }

    @Test
    void weak_but_valid_choices_are_cautioned() {
        assertThat(new DurabilitySettings(2, 2, "all").cautions())
                .singleElement()
                .asString()
                .contains("any one broker down stops every write");
        assertThat(new DurabilitySettings(3, 1, "all").cautions())
                .singleElement()
                .asString()
                .contains("may be on one broker only");
    }

    @Test
    void a_topic_short_of_the_policy_is_reported_once_per_shortfall_with_the_command_that_fixes_it() {
        TopicPolicy old = new TopicPolicy("mercato.orders", 1, 1, false);

        var found = LogTopics.shortfalls(old, DurabilitySettings.EXTERNAL, "kafka-1:9092");

        assertThat(found).hasSize(2);
        assertThat(found.get(0))
                .contains("mercato.orders has 1 replica(s)")
                .contains("mercato.kafka.replication-factor=3")
                .contains("kafka-reassign-partitions.sh --bootstrap-server kafka-1:9092")
                .contains("or set mercato.kafka.replication-factor=1 to accept it");
        assertThat(found.get(1))
                .contains("min.insync.replicas=1, below mercato.kafka.min-insync-replicas=2")
                .contains("kafka-configs.sh --bootstrap-server kafka-1:9092 --alter --entity-type topics"
                        + " --entity-name mercato.orders --add-config min.insync.replicas=2");
        assertThat(LogTopics.shortfalls(
                        new TopicPolicy("mercato.orders", 3, 2, false), DurabilitySettings.EXTERNAL, "kafka-1:9092"))
                .isEmpty();
    }
}
