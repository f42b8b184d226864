package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

class RestartKeepsDataIntegrationTest {

    @TempDir
    Path data;

    ConfigurableApplicationContext boot() {
        return new SpringApplicationBuilder(MercatoApplication.class)
                .run("--mercato.data-dir=" + data, "--server.port=0");
    }

    @Test
    void a_restart_on_the_same_data_folder_keeps_the_catalog_stock_and_every_write() {
        Sku extra = Sku.of("TEST-RESTART-1");
        Product before;
        try (ConfigurableApplicationContext first = boot()) {
            Catalog catalog = first.getBean(Catalog.class);
            assertThat(catalog.count()).isEqualTo(1200);
            catalog.upsert(List.of(new ProductDraft(
                    extra,
                    MerchantId.of("north-wind"),
                    "Restart-proof Mug",
                    "Written before a restart",
                    "home/kitchen/mugs",
                    Money.of("12.50", "EUR"),
                    Map.of("colour", "blue"))));
            first.getBean(Inventory.class).setOnHand(MerchantId.of("north-wind"), extra, 7);
            before = catalog.product(extra).orElseThrow();

            assertThatThrownBy(this::boot)
                    .as("a second platform on a folder in use")
                    .hasStackTraceContaining("in use by another Mercato process");
        }
        try (ConfigurableApplicationContext second = boot()) {
            Catalog catalog = second.getBean(Catalog.class);
            assertThat(catalog.count()).as("sample catalog not loaded twice").isEqualTo(1201);
            assertThat(catalog.product(extra)).contains(before);
            assertThat(second.getBean(Inventory.class)
                            .level(extra)
                            .orElseThrow()
                            .onHand())
                    .isEqualTo(7);
        }
    }
}
