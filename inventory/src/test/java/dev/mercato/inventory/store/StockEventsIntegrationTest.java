package dev.mercato.inventory.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.events.StockAdjusted;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
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

class StockEventsIntegrationTest {

    static final MerchantId ACME = MerchantId.of("acme");
    static final Sku MUG = Sku.of("MUG-1");

    PostgresStores stores;
    CapabilityStore store;
    JdbcStock stock;

    @BeforeEach
    void open() {
        stores = SharedPostgres.freshStores();
        store = stores.open("inventory");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        stock = new JdbcStock(store, new Outbox(store, Clock.systemUTC()));
    }

    @AfterEach
    void close() {
        stores.close();
    }

    List<StockAdjusted> events() {
        return store.jdbc().sql("SELECT payload FROM outbox ORDER BY position").query(String.class).list().stream()
                .peek(json -> assertThat(PayloadValidator.violations(
                                EventSchemas.load(StockAdjusted.TYPE), EventJson.tree(json)))
                        .as("payload matches its published schema")
                        .isEmpty())
                .map(json -> EventJson.read(json, StockAdjusted.class))
                .toList();
    }

    @Test
    void setting_on_hand_publishes_the_resulting_levels_once_per_change() {
        stock.setOnHand(ACME, Map.of(MUG, 30), Map.of());
        stock.setOnHand(ACME, Map.of(MUG, 30), Map.of());
        stock.setOnHand(ACME, Map.of(MUG, 12), Map.of());
        assertThat(events())
                .extracting(StockAdjusted::onHand, StockAdjusted::available, StockAdjusted::version)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(30, 30, 1L),
                        org.assertj.core.groups.Tuple.tuple(12, 12, 2L));
    }

    @Test
    void another_merchants_sku_is_refused_and_nothing_is_written() {
        stock.setOnHand(ACME, Map.of(MUG, 30), Map.of());
        assertThatThrownBy(() -> stock.setOnHand(MerchantId.of("globex"), Map.of(MUG, 1), Map.of()))
                .isInstanceOf(InvalidInput.class);
        assertThat(stock.find(MUG).orElseThrow().onHand()).isEqualTo(30);
        assertThat(events()).hasSize(1);
    }

    @Test
    void negative_quantities_are_refused_naming_the_field() {
        assertThatThrownBy(() -> stock.setOnHand(ACME, Map.of(MUG, -1), Map.of()))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("onHand");
    }
}
