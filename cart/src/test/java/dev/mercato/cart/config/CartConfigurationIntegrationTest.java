package dev.mercato.cart.config;

import static dev.mercato.cart.testing.TestCatalog.aProduct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.cart.Cart;
import dev.mercato.cart.Carts;
import dev.mercato.cart.store.CartStore;
import dev.mercato.cart.store.DynaliteServer;
import dev.mercato.cart.store.DynamoCartStore;
import dev.mercato.cart.store.RocksStore;
import dev.mercato.cart.testing.TestCatalog;
import dev.mercato.catalog.Catalog;
import dev.mercato.plane.StoreProbe;
import dev.mercato.plane.kafka.KafkaPublisher;
import dev.mercato.plane.outbox.LogPublisher;
import dev.mercato.plane.store.DataFolder;
import dev.mercato.plane.testing.SharedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** The wiring as the app boots it, in a bare Spring context with the beans other modules provide. */
class CartConfigurationIntegrationTest {

    @TempDir
    Path folder;

    AnnotationConfigApplicationContext boot(Map<String, Object> properties) {
        var context = new AnnotationConfigApplicationContext();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test", properties));
        context.registerBean(
                DataFolder.class, () -> DataFolder.open(folder), bean -> bean.setDestroyMethodName("close"));
        TestCatalog catalog = new TestCatalog().add(aProduct("MUG-1").build());
        context.registerBean(Catalog.class, catalog::catalog);
        context.registerBean(Clock.class, Clock::systemUTC);
        // The real publisher; it meets the broker only on a first publish, which empty carts never cause.
        context.registerBean(
                LogPublisher.class,
                () -> new KafkaPublisher(SharedKafka::bootstrapServers, 1),
                bean -> bean.setDestroyMethodName("close"));
        context.register(CartConfiguration.class);
        context.refresh();
        return context;
    }

    static Duration lifetime(Cart cart) {
        return Duration.between(cart.updatedAt(), cart.expiresAt());
    }

    @Test
    void by_default_carts_live_in_rocksdb_under_the_data_folder_for_24_hours() {
        try (var context = boot(Map.of())) {
            Carts carts = context.getBean(Carts.class);
            Cart cart = carts.create(Optional.empty());

            assertThat(carts.find(cart.id())).contains(cart);
            assertThat(lifetime(cart)).isEqualTo(Duration.ofHours(24));
            assertThat(context.getBeansOfType(StoreProbe.class).values())
                    .extracting(StoreProbe::name)
                    .containsExactly("rocksdb");
            assertThat(Files.isDirectory(folder.resolve("carts"))).isTrue();
        }
    }

    @Test
    void the_ttl_and_the_store_come_from_mercato_cart_settings() {
        try (var context = boot(Map.of("mercato.cart.ttl", "2h", "mercato.cart.store", "rocksdb"))) {
            Cart cart = context.getBean(Carts.class).create(Optional.empty());

            assertThat(lifetime(cart)).isEqualTo(Duration.ofHours(2));
        }
    }

    @Test
    void with_the_dynamodb_store_chosen_its_probe_is_named_dynamodb_and_no_rocksdb_is_opened() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("mercato.cart.store", "dynamodb");
        properties.put(
                "mercato.cart.dynamodb.endpoint", DynaliteServer.endpoint().toString());
        properties.put("mercato.cart.dynamodb.region", "eu-west-1");
        properties.put("mercato.cart.dynamodb.table", "configured-carts");
        properties.put("mercato.cart.dynamodb.access-key-id", "test-key");
        properties.put("mercato.cart.dynamodb.secret-access-key", "test-secret");
        try (var context = boot(properties)) {
            Carts carts = context.getBean(Carts.class);
            Cart cart = carts.create(Optional.empty());

            assertThat(carts.find(cart.id())).contains(cart);
            assertThat(context.getBean(CartStore.class)).isInstanceOf(DynamoCartStore.class);
            assertThat(context.getBeansOfType(StoreProbe.class).values())
                    .extracting(StoreProbe::name)
                    .containsExactly("dynamodb");
            assertThat(context.getBeansOfType(RocksStore.class)).isEmpty();
        }
    }
}
