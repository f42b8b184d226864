package dev.mercato.accounting.config;

import dev.mercato.accounting.journal.Journal;
import dev.mercato.accounting.journal.JournalView;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.plane.outbox.Outboxes;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Provisions accounting's own schema, role and outbox at start, and declares its books: a derived view in
 * that same schema, so everything accounting knows lives in its store and is rebuilt from the log.
 */
@Configuration(proxyBeanMethods = false)
class AccountingConfiguration {

    @Bean
    CapabilityStore accountingStore(PostgresStores stores, Outboxes outboxes) {
        CapabilityStore store = stores.open("accounting");
        outboxes.register(store);
        return store;
    }

    /** The journal; the composition root starts every view (after the store above is provisioned). */
    @Bean
    JournalView journalView(CapabilityStore accountingStore) {
        return new JournalView();
    }

    @Bean
    Journal journal(ViewRuntime runtime) {
        return new Journal(runtime);
    }
}
