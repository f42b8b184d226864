package dev.mercato.cart.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksStoreTest {

    @TempDir
    Path folder;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void a_value_written_before_close_is_read_after_reopening() {
        try (RocksStore store = RocksStore.open(folder)) {
            store.put(bytes("cart:1"), bytes("two mugs"));
        }
        try (RocksStore store = RocksStore.open(folder)) {
            assertThat(new String(store.get(bytes("cart:1")), StandardCharsets.UTF_8))
                    .isEqualTo("two mugs");
            assertThat(store.check().up()).isTrue();
        }
    }

    @Test
    void a_second_open_of_the_same_folder_is_refused_with_a_hint() {
        try (RocksStore store = RocksStore.open(folder)) {
            assertThat(store.check().up()).isTrue();
            assertThatThrownBy(() -> RocksStore.open(folder))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Is another process using this data folder?");
        }
    }
}
