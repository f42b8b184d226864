package dev.mercato.customers.store;

import dev.mercato.customers.Customers;
import dev.mercato.customers.Merchant;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.postgres.CapabilityStore;
import java.util.List;
import java.util.Optional;

/** Customers and merchants, reached only through the customers role. */
public final class JdbcCustomers implements Customers {

    private final CapabilityStore store;

    public JdbcCustomers(CapabilityStore store) {
        this.store = store;
    }

    @Override
    public void onboard(Merchant merchant) {
        if (merchant.country() == null || !merchant.country().matches("[A-Z]{2}")) {
            throw new InvalidInput("country", "must be an ISO 3166 alpha-2 code like DE");
        }
        store.jdbc()
                .sql("INSERT INTO merchants (id, name, country) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING")
                .params(merchant.id().value(), merchant.name(), merchant.country())
                .update();
    }

    @Override
    public Optional<Merchant> merchant(MerchantId id) {
        return store.jdbc()
                .sql("SELECT id, name, country FROM merchants WHERE id = ?")
                .param(id.value())
                .query((rs, i) -> new Merchant(MerchantId.of(rs.getString(1)), rs.getString(2), rs.getString(3)))
                .optional();
    }

    @Override
    public List<Merchant> merchants() {
        return store.jdbc()
                .sql("SELECT id, name, country FROM merchants ORDER BY id")
                .query((rs, i) -> new Merchant(MerchantId.of(rs.getString(1)), rs.getString(2), rs.getString(3)))
                .list();
    }
}
