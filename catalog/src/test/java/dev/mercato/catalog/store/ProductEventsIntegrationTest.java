package dev.mercato.catalog.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.catalog.events.ProductPriceChanged;
import dev.mercato.catalog.events.ProductRetired;
import dev.mercato.catalog.events.ProductUpserted;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.schema.EventSchemas;
import dev.mercato.plane.events.schema.PayloadValidator;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedPostgres;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductEventsIntegrationTest {

    static final MerchantId ACME = MerchantId.of("acme");

    PostgresStores stores;
    CapabilityStore store;
    JdbcProducts products;

    @BeforeEach
    void open() {
        stores = SharedPostgres.freshStores();
        store = stores.open("catalog");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        products = new JdbcProducts(store, new Outbox(store, Clock.systemUTC()));
    }

    @AfterEach
    void close() {
        stores.close();
    }

    static ProductDraft mug(String price) {
        return new ProductDraft(
                Sku.of("MUG-1"),
                ACME,
                "Mug",
                "A mug",
                "home/kitchen",
                Money.of(price, "EUR"),
                Map.of("colour", "blue"));
    }

    List<String> payloads() {
        return store.jdbc()
                .sql("SELECT payload FROM outbox WHERE type = 'catalog.product-upserted.v1' ORDER BY position")
                .query(String.class)
                .list();
    }

    @Test
    void a_new_product_commits_with_one_upserted_event_carrying_its_state() {
        products.upsert(List.of(mug("9.90")));
        List<String> events = payloads();
        assertThat(events).hasSize(1);
        assertThat(PayloadValidator.violations(
                        EventSchemas.load(ProductUpserted.TYPE), EventJson.tree(events.getFirst())))
                .as("the payload matches its published schema")
                .isEmpty();
        ProductUpserted event = EventJson.read(events.getFirst(), ProductUpserted.class);
        assertThat(event.sku()).isEqualTo("MUG-1");
        assertThat(event.price().amount()).isEqualTo("9.90");
        assertThat(event.version()).isEqualTo(1);
        assertThat(store.jdbc()
                        .sql("SELECT type || ' ' || sequence FROM outbox")
                        .query(String.class)
                        .single())
                .isEqualTo("catalog.product-upserted.v1 1");
    }

    @Test
    void an_unchanged_product_publishes_nothing_and_a_changed_one_publishes_its_next_version() {
        products.upsert(List.of(mug("9.90")));
        products.upsert(List.of(mug("9.90")));
        assertThat(payloads()).hasSize(1);
        products.upsert(List.of(mug("12.00")));
        List<String> events = payloads();
        assertThat(events).hasSize(2);
        assertThat(EventJson.read(events.get(1), ProductUpserted.class).version())
                .isEqualTo(2);
    }

    List<String> types() {
        return store.jdbc()
                .sql("SELECT type FROM outbox ORDER BY position")
                .query(String.class)
                .list();
    }

    @Test
    void a_price_change_publishes_the_old_and_new_price_beside_the_new_state() {
        products.upsert(List.of(mug("9.90")));
        products.upsert(List.of(mug("12.00")));
        assertThat(types())
                .containsExactly(
                        "catalog.product-upserted.v1",
                        "catalog.product-upserted.v1",
                        "catalog.product-price-changed.v1");
        String json = store.jdbc()
                .sql("SELECT payload FROM outbox WHERE type = 'catalog.product-price-changed.v1'")
                .query(String.class)
                .single();
        assertThat(PayloadValidator.violations(EventSchemas.load(ProductPriceChanged.TYPE), EventJson.tree(json)))
                .isEmpty();
        ProductPriceChanged changed = EventJson.read(json, ProductPriceChanged.class);
        assertThat(changed.previous().amount()).isEqualTo("9.90");
        assertThat(changed.price().amount()).isEqualTo("12.00");
        assertThat(changed.version()).isEqualTo(2);
    }

    @Test
    void retiring_takes_a_product_off_sale_once_and_upserting_puts_it_back() {
        products.upsert(List.of(mug("9.90")));
        assertThat(products.retire(ACME, Sku.of("MUG-1"))).hasSize(1);
        assertThat(products.retire(ACME, Sku.of("MUG-1"))).isEmpty();
        assertThat(products.find(Sku.of("MUG-1")).orElseThrow().onSale()).isFalse();
        assertThat(products.page(java.util.Optional.empty(), java.util.Optional.empty(), 10))
                .isEmpty();
        String json = store.jdbc()
                .sql("SELECT payload FROM outbox WHERE type = 'catalog.product-retired.v1'")
                .query(String.class)
                .single();
        assertThat(PayloadValidator.violations(EventSchemas.load(ProductRetired.TYPE), EventJson.tree(json)))
                .isEmpty();
        assertThatThrownBy(() -> products.retire(MerchantId.of("globex"), Sku.of("MUG-1")))
                .isInstanceOf(dev.mercato.plane.NotFound.class);
        products.upsert(List.of(mug("9.90")));
        assertThat(products.find(Sku.of("MUG-1")).orElseThrow().onSale()).isTrue();
    }

    @Test
    void a_refused_write_leaves_neither_rows_nor_events() {
        products.upsert(List.of(mug("9.90")));
        ProductDraft stolen = new ProductDraft(
                Sku.of("MUG-1"), MerchantId.of("globex"), "Mine now", "", "home", Money.of("1.00", "EUR"), Map.of());
        assertThatThrownBy(() -> products.upsert(List.of(
                        new ProductDraft(
                                Sku.of("NEW-2"),
                                MerchantId.of("globex"),
                                "New",
                                "",
                                "home",
                                Money.of("2.00", "EUR"),
                                Map.of()),
                        stolen)))
                .isInstanceOf(dev.mercato.plane.Forbidden.class);
        assertThat(payloads()).hasSize(1);
        assertThat(products.find(Sku.of("NEW-2"))).isEmpty();
        assertThat(products.find(Sku.of("MUG-1")).orElseThrow().merchant()).isEqualTo(ACME);
    }
}
