package dev.mercato.search.config;

import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.search.Search;
import dev.mercato.search.store.ListingsQuery;
import dev.mercato.search.store.ListingsView;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registers the listings view (the composition root starts every view) and the query side over it. */
@Configuration(proxyBeanMethods = false)
class SearchConfiguration {

    @Bean
    ListingsView listingsView() {
        return new ListingsView();
    }

    @Bean
    Search search(ViewRuntime runtime) {
        return new ListingsQuery(runtime);
    }
}
