package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.catalog.Sku;
import dev.mercato.inventory.Inventory;
import dev.mercato.plane.postgres.PostgresStores;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stock belongs to the product's merchant in the catalog: another merchant cannot take a SKU's stock row
 * (before this rule, a merchant could set stock for a SKU of another merchant that had no row yet, and the
 * owner then got 404 on its own stock and could not sell its product), nor one for a SKU no catalog has;
 * rows taken that way are given back to the owner by the ownership repair.
 */
class StockOwnershipIntegrationTest extends PlatformIntegrationTest {

    @Autowired
    Inventory inventory;

    @Autowired
    PostgresStores stores;

    String casa;
    String volt;
    String admin;
    String sku;

    @BeforeEach
    void productWithoutStock() throws Exception {
        casa = token("merchant", "mo", "casa-bella");
        volt = token("merchant", "vi", "volt-labs");
        admin = token("admin", "ops", null);
        sku = "OWN-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        var created = send(
                "POST",
                "/api/v1/products",
                casa,
                "{\"sku\":\"" + sku + "\",\"title\":\"Owned vase\",\"category\":\"home/own\","
                        + "\"price\":{\"amount\":\"30.00\",\"currency\":\"EUR\"}}");
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
    }

    int put(String token, String path, String body) throws Exception {
        return send("PUT", path, token, body).statusCode();
    }

    @Test
    void another_merchant_cannot_take_the_stock_of_a_product_that_has_none_yet() throws Exception {
        assertThat(put(volt, "/api/v1/inventory/" + sku, "{\"onHand\":99}")).isEqualTo(404);
        assertThat(put(volt, "/api/v1/inventory/" + sku, "{\"onHand\":99,\"merchant\":\"volt-labs\"}"))
                .isEqualTo(404);

        assertThat(put(casa, "/api/v1/inventory/" + sku, "{\"onHand\":3}")).isEqualTo(200);
        var own = send("GET", "/api/v1/inventory/" + sku, casa, null);
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(json(own).get("merchant").asString()).isEqualTo("casa-bella");
        assertThat(json(own).get("onHand").asInt()).isEqualTo(3);
    }

    @Test
    void nobody_sets_stock_for_a_sku_no_catalog_has() throws Exception {
        String nowhere =
                "NOWHERE-" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
        assertThat(put(volt, "/api/v1/inventory/" + nowhere, "{\"onHand\":5}")).isEqualTo(404);
        assertThat(put(admin, "/api/v1/inventory/" + nowhere, "{\"onHand\":5}")).isEqualTo(404);
        assertThat(inventory.level(Sku.of(nowhere))).isEmpty();
    }

    @Test
    void an_admin_sets_stock_for_the_products_merchant_and_cannot_give_it_to_another() throws Exception {
        assertThat(put(admin, "/api/v1/inventory/" + sku, "{\"onHand\":4,\"merchant\":\"volt-labs\"}"))
                .isEqualTo(400);
        assertThat(put(admin, "/api/v1/inventory/" + sku, "{\"onHand\":4}")).isEqualTo(200);
        assertThat(inventory.level(Sku.of(sku)).orElseThrow().merchant().value())
                .isEqualTo("casa-bella");
    }

    @Test
    void a_row_taken_before_the_rule_is_reported_and_given_back_to_the_owner() throws Exception {
        // As the old route allowed: volt-labs holds the row of casa-bella's product.
        try (Connection c = stores.adminConnection();
                PreparedStatement s = c.prepareStatement(
                        "INSERT INTO inventory.stock (sku, merchant_id, on_hand, low_threshold) VALUES (?, ?, 50, 5)")) {
            s.setString(1, sku);
            s.setString(2, "volt-labs");
            s.executeUpdate();
        }
        assertThat(send("GET", "/api/v1/inventory/" + sku, casa, null).statusCode())
                .isEqualTo(404);
        var before = json(send("GET", "/api/v1/inventory/reconciliation", admin, null));
        assertThat(before.get("consistent").asBoolean()).isFalse();
        assertThat(before.get("misowned").toString()).contains(sku, "volt-labs", "casa-bella");

        assertThat(inventory.repairOwnership())
                .anySatisfy(r -> assertThat(Map.of(r.sku().value(), r.action())).containsEntry(sku, "given-to-owner"));

        var own = json(send("GET", "/api/v1/inventory/" + sku, casa, null));
        assertThat(own.get("merchant").asString()).isEqualTo("casa-bella");
        assertThat(own.get("onHand").asInt()).isZero();
        assertThat(put(casa, "/api/v1/inventory/" + sku, "{\"onHand\":8}")).isEqualTo(200);
        assertThat(json(send("GET", "/api/v1/inventory/reconciliation", admin, null))
                        .get("misowned")
                        .isEmpty())
                .isTrue();
    }
}
