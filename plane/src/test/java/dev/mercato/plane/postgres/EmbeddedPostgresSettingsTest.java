package dev.mercato.plane.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedPostgresSettingsTest {

    @Test
    void extra_server_settings_are_added_to_the_durable_defaults() {
        var settings = new EmbeddedPostgresSettings(
                Path.of("pg"), 0, Map.of("shared_preload_libraries", "pg_stat_statements", "max_connections", "100"));

        assertThat(settings.serverConfig())
                .containsEntry("shared_preload_libraries", "pg_stat_statements")
                .containsEntry("max_connections", "100")
                .containsEntry("fsync", "on")
                .containsEntry("synchronous_commit", "on");
    }

    @Test
    void a_setting_that_would_weaken_a_commit_is_refused_with_what_to_do() {
        for (String key : EmbeddedPostgresSettings.DURABILITY) {
            assertThatThrownBy(() -> new EmbeddedPostgresSettings(Path.of("pg"), 0, Map.of(key, "off")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("remove that setting");
        }
    }
}
