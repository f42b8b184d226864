package dev.mercato.cart.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.cart.web.CartController.QuantityInput;
import dev.mercato.plane.InvalidInput;
import java.math.BigInteger;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Bad input is refused by name, never a 500: the HTTP tests live in the app, these are the parsers. */
class CartControllerInputTest {

    @Test
    void a_whole_quantity_from_zero_to_ninety_nine_is_accepted() {
        assertThat(CartController.quantity(new QuantityInput(0))).isZero();
        assertThat(CartController.quantity(new QuantityInput(99))).isEqualTo(99);
        assertThat(CartController.quantity(new QuantityInput(7L))).isEqualTo(7);
    }

    @Test
    void a_missing_fractional_textual_or_out_of_range_quantity_is_invalid_input_on_quantity() {
        for (Object bad : new Object[] {
            null, 1.5, 2.0, "2", true, -1, 100, Long.MAX_VALUE, new BigInteger("123456789012345678901234567890")
        }) {
            assertThatThrownBy(() -> CartController.quantity(new QuantityInput(bad)))
                    .as("quantity %s", bad)
                    .isInstanceOfSatisfying(
                            InvalidInput.class, e -> assertThat(e.field()).isEqualTo("quantity"));
        }
        assertThatThrownBy(() -> CartController.quantity(null)).isInstanceOf(InvalidInput.class);
    }

    @Test
    void if_match_takes_one_etag_this_api_returned_or_any() {
        assertThat(CartController.expectedVersion(null)).isEmpty();
        assertThat(CartController.expectedVersion("*")).isEmpty();
        assertThat(CartController.expectedVersion("\"3\"")).isEqualTo(OptionalLong.of(3));
        assertThat(CartController.expectedVersion("W/\"12\"")).isEqualTo(OptionalLong.of(12));
        for (String bad : new String[] {"3", "\"abc\"", "\"1\", \"2\"", "\"99999999999999999999\""}) {
            assertThatThrownBy(() -> CartController.expectedVersion(bad))
                    .as("If-Match %s", bad)
                    .isInstanceOfSatisfying(
                            InvalidInput.class, e -> assertThat(e.field()).isEqualTo("If-Match"));
        }
    }
}
