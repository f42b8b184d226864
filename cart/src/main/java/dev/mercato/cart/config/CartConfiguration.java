package dev.mercato.cart.config;

import dev.mercato.cart.store.RocksStore;
import dev.mercato.plane.store.DataFolder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Opens the cart store under the platform's data folder. */
@Configuration(proxyBeanMethods = false)
class CartConfiguration {

    @Bean(destroyMethod = "close")
    RocksStore cartStore(DataFolder folder) {
        return RocksStore.open(folder.resolve("carts"));
    }
}
