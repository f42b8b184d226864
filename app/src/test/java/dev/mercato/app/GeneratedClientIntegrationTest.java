package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.client.ApiClient;
import dev.mercato.client.ApiException;
import dev.mercato.client.api.CartsApi;
import dev.mercato.client.api.CatalogApi;
import dev.mercato.client.api.CheckoutAndOrdersApi;
import dev.mercato.client.api.IdentityDevelopmentApi;
import dev.mercato.client.api.InventoryApi;
import dev.mercato.client.model.CartJson;
import dev.mercato.client.model.CheckoutInput;
import dev.mercato.client.model.MoneyInput;
import dev.mercato.client.model.OrderDocument;
import dev.mercato.client.model.ProductInput;
import dev.mercato.client.model.QuantityInput;
import dev.mercato.client.model.StockInput;
import dev.mercato.client.model.TokenRequest;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The README's buy flow through a client generated from docs/openapi.json by OpenAPI Generator (the Java
 * "native" library), the way a client team would generate theirs: if the contract lied about a status, a
 * body or a parameter, these typed calls would fail.
 */
class GeneratedClientIntegrationTest extends PlatformIntegrationTest {

    private ApiClient client(String token) {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port);
        if (token != null) {
            client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + token));
        }
        return client;
    }

    private String token(TokenRequest request) throws ApiException {
        return new IdentityDevelopmentApi(client(null)).issueDevToken(request).getToken();
    }

    @Test
    void the_buy_flow_runs_through_a_client_generated_from_the_contract() throws Exception {
        String merchant =
                token(new TokenRequest().role("merchant").subject("gen-mo").merchant("gen-shop"));
        String customer = token(new TokenRequest().role("customer").subject("gen-ada"));

        var product = new CatalogApi(client(merchant))
                .upsertProduct(new ProductInput()
                        .sku("GEN-KETTLE-1")
                        .title("Generated kettle")
                        .category("home/kitchen/kettles")
                        .price(new MoneyInput().amount("24.50").currency("EUR")));
        assertThat(product.getSku()).isEqualTo("GEN-KETTLE-1");
        var stock = new InventoryApi(client(merchant)).setStockLevel("GEN-KETTLE-1", new StockInput().onHand(5));
        assertThat(stock.getAvailable()).isEqualTo(5);

        CartsApi carts = new CartsApi(client(customer));
        CartJson cart = carts.createCart(Map.of());
        cart = carts.setCartItemQuantity(cart.getId(), "GEN-KETTLE-1", new QuantityInput().quantity(2), null);
        assertThat(cart.getLines()).hasSize(1);

        CheckoutAndOrdersApi orders = new CheckoutAndOrdersApi(client(customer));
        String key = UUID.randomUUID().toString();
        OrderDocument placed = orders.checkout(key, new CheckoutInput().cartId(cart.getId()));
        assertThat(placed.getStatus()).isEqualTo("placed");
        assertThat(placed.getTotal().getAmount()).isEqualTo("49.00");
        assertThat(orders.getOrder(placed.getId()).getId()).isEqualTo(placed.getId());
        // The same key replays the first answer.
        assertThat(orders.checkout(key, new CheckoutInput().cartId(cart.getId()))
                        .getId())
                .isEqualTo(placed.getId());

        // A documented refusal arrives as the documented problem: out of stock is a 409 naming its type.
        CartJson another = carts.createCart(Map.of());
        carts.setCartItemQuantity(another.getId(), "GEN-KETTLE-1", new QuantityInput().quantity(4), null);
        assertThatThrownBy(() ->
                        orders.checkout(UUID.randomUUID().toString(), new CheckoutInput().cartId(another.getId())))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getResponseBody()).contains("out-of-stock");
                });
    }
}
