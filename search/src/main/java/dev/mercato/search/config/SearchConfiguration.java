package dev.mercato.search.config;

import dev.mercato.plane.StoreProbe;
import dev.mercato.plane.consume.LogSource;
import dev.mercato.plane.store.DataFolder;
import dev.mercato.search.store.ListingsView;
import dev.mercato.search.store.SearchSettings;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The search view on a Lucene index under the data folder ({@code search/}). It is both the {@link
 * dev.mercato.search.Search} the API answers from and a derived view the composition root starts, lists
 * and closes with the others.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SearchSettings.class)
class SearchConfiguration {

    @Bean
    ListingsView listingsView(DataFolder folder, LogSource log, SearchSettings settings, Clock clock) {
        return ListingsView.onLucene(folder.resolve("search"), log, settings, clock);
    }

    /** The index as its own health component, {@code lucene}. */
    @Bean
    StoreProbe searchIndexProbe(ListingsView view) {
        return view.probe();
    }
}
