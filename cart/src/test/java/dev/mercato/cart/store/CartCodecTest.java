package dev.mercato.cart.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.CartLine;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CartCodecTest {

    static final Instant T = Instant.parse("2026-03-01T10:00:00.123Z");

    static Cart cart(Cart.Status status, Optional<String> order, Optional<CartId> into) {
        return new Cart(
                CartId.random(),
                Optional.of(CustomerId.of("alice@example.com")),
                Optional.of(MerchantId.of("acme")),
                List.of(
                        new CartLine(Sku.of("MUG-1"), 99, Money.of("12.50", "EUR"), "Blue mug – ceramic, 350 ml"),
                        new CartLine(Sku.of("YEN-1"), 1, Money.of("1200", "JPY"), "")),
                status,
                Long.MAX_VALUE - 1,
                T,
                T.plusSeconds(5),
                T.plusSeconds(86_400),
                order,
                into);
    }

    @Test
    void every_field_of_a_stored_cart_survives_encoding() {
        for (Cart c : List.of(
                cart(Cart.Status.OPEN, Optional.empty(), Optional.empty()),
                cart(Cart.Status.CONVERTED, Optional.of("o_1"), Optional.empty()),
                cart(Cart.Status.MERGED, Optional.empty(), Optional.of(CartId.random())))) {
            StoredCart stored = new StoredCart(c, 41, List.of(CartId.random(), CartId.random()));

            assertThat(CartCodec.decode(c.id(), CartCodec.encode(stored))).isEqualTo(stored);
        }
    }

    @Test
    void an_anonymous_empty_cart_survives_encoding_too() {
        Cart c = new Cart(
                CartId.random(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                Cart.Status.OPEN,
                1,
                T,
                T,
                T,
                Optional.empty(),
                Optional.empty());

        assertThat(CartCodec.decode(c.id(), CartCodec.encode(StoredCart.of(c)))).isEqualTo(StoredCart.of(c));
    }

    @Test
    void the_version_is_read_without_decoding() {
        Cart c = cart(Cart.Status.OPEN, Optional.empty(), Optional.empty());

        assertThat(CartCodec.version(CartCodec.encode(StoredCart.of(c)))).isEqualTo(Long.MAX_VALUE - 1);
    }

    @Test
    void a_value_in_an_unknown_format_is_refused_with_what_was_found() {
        byte[] value = CartCodec.encode(StoredCart.of(cart(Cart.Status.OPEN, Optional.empty(), Optional.empty())));
        value[0] = 9;

        assertThatThrownBy(() -> CartCodec.decode(CartId.random(), value))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("format 9");
    }

    @Test
    void an_outbox_entry_keeps_the_whole_envelope() {
        Event e = new Event(
                UUID.randomUUID(),
                EventType.of("cart", "line-changed", 1),
                Instant.parse("2026-03-01T10:00:00.123456789Z"),
                MerchantId.of("acme"),
                CartId.random().value(),
                7,
                "trace-1",
                "{\"cartId\":\"x\",\"title\":\"tasse à café\"}");

        assertThat(EventBytes.decode(EventBytes.encode(e))).isEqualTo(e);
    }
}
