package dev.mercato.cart.config;

import dev.mercato.cart.Carts;
import dev.mercato.cart.domain.CartService;
import dev.mercato.cart.store.CartOutboxRelay;
import dev.mercato.cart.store.CartStore;
import dev.mercato.cart.store.DynamoCartStore;
import dev.mercato.cart.store.RocksCartStore;
import dev.mercato.cart.store.RocksStore;
import dev.mercato.catalog.Catalog;
import dev.mercato.plane.Periodic;
import dev.mercato.plane.outbox.LogPublisher;
import dev.mercato.plane.store.DataFolder;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Wires carts onto the chosen store ({@code mercato.cart.store}), with the relay that publishes their
 * events and the sweeper that deletes expired ones. The store's probe is a bean of its own: {@code
 * rocksdb} or {@code dynamodb}, whichever is in use.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CartSettings.class)
class CartConfiguration {

    /** RocksDB under the platform's data folder, the default. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "mercato.cart.store", havingValue = "rocksdb", matchIfMissing = true)
    static class Rocks {

        @Bean(destroyMethod = "close")
        RocksStore rocksStore(DataFolder folder) {
            return RocksStore.open(folder.resolve("carts"));
        }

        @Bean(destroyMethod = "close")
        RocksCartStore cartStore(RocksStore rocks) {
            return new RocksCartStore(rocks);
        }
    }

    /** A DynamoDB API table, for carts shared by many instances. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "mercato.cart.store", havingValue = "dynamodb")
    static class Dynamo {

        @Bean(destroyMethod = "close")
        DynamoCartStore cartStore(CartSettings settings) {
            return DynamoCartStore.open(settings.dynamodb().toStoreSettings());
        }
    }

    @Bean
    Carts carts(CartStore store, Catalog catalog, Clock clock, CartSettings settings) {
        return new CartService(store, catalog, clock, settings.ttl());
    }

    @Bean(destroyMethod = "close")
    CartOutboxRelay cartOutboxRelay(CartStore store, LogPublisher publisher, CartSettings settings) {
        return new CartOutboxRelay(
                        store,
                        publisher,
                        settings.relayPollInterval(),
                        settings.relayBatchSize(),
                        CartOutboxRelay.Faults.NONE)
                .start();
    }

    @Bean(destroyMethod = "close")
    Periodic cartSweeper(Carts carts, CartSettings settings) {
        return Periodic.start(
                "cart-sweeper",
                settings.sweepInterval(),
                settings.sweepInterval(),
                "expired carts swept",
                carts::sweepExpired);
    }
}
