package dev.mercato.app.sample;

import dev.mercato.app.MercatoSettings;
import dev.mercato.catalog.Catalog;
import dev.mercato.customers.Customers;
import dev.mercato.inventory.Inventory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Loads the sample catalog through the capabilities' own APIs on a first start. It is safe to stop at any
 * point: every batch is one transaction per capability and every write is an idempotent upsert, so the
 * next start finishes what a killed one began.
 */
@Component
@Order(0)
class SampleDataLoader implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SampleDataLoader.class);

    private final MercatoSettings settings;
    private final Customers customers;
    private final Catalog catalog;
    private final Inventory inventory;

    SampleDataLoader(MercatoSettings settings, Customers customers, Catalog catalog, Inventory inventory) {
        this.settings = settings;
        this.customers = customers;
        this.catalog = catalog;
        this.inventory = inventory;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!settings.sampleData()) {
            return;
        }
        List<SampleCatalog.Batch> batches = SampleCatalog.batches();
        var last = batches.getLast().products().getLast().sku();
        if (inventory.level(last).isPresent()) {
            return; // loaded on an earlier start: the last write of the last batch is there
        }
        long began = System.nanoTime();
        SampleCatalog.MERCHANTS.forEach(customers::onboard);
        int done = 0;
        for (SampleCatalog.Batch batch : batches) {
            catalog.upsert(batch.products());
            inventory.setOnHand(batch.merchant(), batch.stock());
            done += batch.products().size();
            log.info("Sample catalog: committed {} ({} of {} products)", batch.category(), done, SampleCatalog.size());
        }
        log.info(
                "Sample catalog loaded: {} merchants, {} products in {} categories ({} ms)",
                SampleCatalog.MERCHANTS.size(),
                done,
                batches.size(),
                (System.nanoTime() - began) / 1_000_000);
    }
}
