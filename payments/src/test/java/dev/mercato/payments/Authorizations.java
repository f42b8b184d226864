package dev.mercato.payments;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;

/** Test data: {@code anAuthorization().id("p-1").amount("25.00").build()}. */
public final class Authorizations {

    private String id = "pay-0001";
    private String merchant = "acme";
    private String customer = "cus-1";
    private String amount = "25.00";
    private String currency = "EUR";
    private String token = "tok_visa";

    private Authorizations() {}

    public static Authorizations anAuthorization() {
        return new Authorizations();
    }

    public Authorizations id(String id) {
        this.id = id;
        return this;
    }

    public Authorizations merchant(String merchant) {
        this.merchant = merchant;
        return this;
    }

    public Authorizations customer(String customer) {
        this.customer = customer;
        return this;
    }

    public Authorizations amount(String amount) {
        this.amount = amount;
        return this;
    }

    public Authorizations currency(String currency) {
        this.currency = currency;
        return this;
    }

    public Authorizations token(String token) {
        this.token = token;
        return this;
    }

    public Authorization build() {
        return new Authorization(
                PaymentId.of(id),
                MerchantId.of(merchant),
                customer,
                Money.of(amount, currency),
                new PaymentMethod(token));
    }
}
