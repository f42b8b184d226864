package dev.mercato.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.cart.Cart;
import dev.mercato.catalog.Sku;
import dev.mercato.plane.events.Event;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cart store contract on RocksDB in a temporary folder, plus what only a local store can show. */
class RocksCartStoreIntegrationTest extends CartStoreContract {

    @TempDir
    Path folder;

    RocksStore rocks;

    @Override
    CartStore openStore() {
        rocks = RocksStore.open(folder.resolve("carts"));
        return new RocksCartStore(rocks);
    }

    @AfterEach
    void closeRocks() {
        rocks.close();
    }

    @Test
    void carts_and_unpublished_events_survive_a_reopen_and_publishing_resumes_where_it_stopped() {
        Cart cart = carts.create(Optional.empty());
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        store.markPublished(store.pending(1)); // cart-created published; line-changed not yet
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 2, OptionalLong.empty());
        rocks.close();

        rocks = RocksStore.open(folder.resolve("carts"));
        store = new RocksCartStore(rocks);
        carts = new dev.mercato.cart.domain.CartService(store, catalog.catalog(), clock, TTL);

        assertThat(carts.find(cart.id())
                        .orElseThrow()
                        .line(Sku.of("MUG-1"))
                        .orElseThrow()
                        .quantity())
                .isEqualTo(2);
        carts.setQuantity(cart.id(), Sku.of("TEA-1"), 1, OptionalLong.empty());
        List<Event> rest = drainOutbox();
        assertThat(rest).extracting(Event::sequence).containsExactly(2L, 3L, 4L);
    }
}
