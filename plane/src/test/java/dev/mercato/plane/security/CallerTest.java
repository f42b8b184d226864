package dev.mercato.plane.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.Forbidden;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import org.junit.jupiter.api.Test;

class CallerTest {

    static final MerchantId ACME = MerchantId.of("acme");
    static final MerchantId GLOBEX = MerchantId.of("globex");

    @Test
    void a_merchant_acts_for_its_own_merchant_only() {
        Caller acme = Caller.of("ann", Role.MERCHANT, ACME);
        assertThatCode(() -> acme.requireActsFor(ACME)).doesNotThrowAnyException();
        assertThatThrownBy(() -> acme.requireActsFor(GLOBEX)).isInstanceOf(Forbidden.class);
        assertThat(acme.merchantFor(null)).isEqualTo(ACME);
        assertThatThrownBy(() -> acme.merchantFor("globex")).isInstanceOf(Forbidden.class);
    }

    @Test
    void an_admin_acts_for_any_merchant_but_must_name_it() {
        Caller admin = Caller.of("root", Role.ADMIN, null);
        assertThatCode(() -> admin.requireActsFor(GLOBEX)).doesNotThrowAnyException();
        assertThat(admin.merchantFor("globex")).isEqualTo(GLOBEX);
        assertThatThrownBy(() -> admin.merchantFor(null)).isInstanceOf(InvalidInput.class);
    }

    @Test
    void customers_and_anonymous_callers_act_for_no_merchant() {
        Caller customer = Caller.of("bob", Role.CUSTOMER, null);
        assertThatThrownBy(() -> customer.requireActsFor(ACME)).isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> customer.merchantFor("acme")).isInstanceOf(Forbidden.class);
        assertThatThrownBy(() -> Caller.ANONYMOUS.requireActsFor(ACME)).isInstanceOf(Forbidden.class);
        assertThat(Caller.ANONYMOUS.authenticated()).isFalse();
    }

    @Test
    void unknown_roles_are_invalid_input() {
        assertThatThrownBy(() -> Role.parse("superuser"))
                .isInstanceOf(InvalidInput.class)
                .hasMessageContaining("customer, merchant or admin");
        assertThat(Role.parse("Merchant")).isEqualTo(Role.MERCHANT);
    }
}
