package dev.mercato.customers.store;

import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.customers.CustomerProfile;
import dev.mercato.customers.Customers;
import dev.mercato.customers.Merchant;
import dev.mercato.customers.events.CustomerRegistered;
import dev.mercato.customers.events.CustomerUpdated;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.outbox.Outbox;
import dev.mercato.plane.postgres.CapabilityStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;

/** Customers and merchants, reached only through the customers role. */
public final class JdbcCustomers implements Customers {

    /** The refusal of an address another profile holds (in any case). */
    public static final String EMAIL_UNAVAILABLE = "email-unavailable";

    private final CapabilityStore store;
    private final Outbox outbox;
    private final Clock clock;

    public JdbcCustomers(CapabilityStore store, Outbox outbox, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Override
    public void onboard(Merchant merchant) {
        if (merchant.country() == null || !merchant.country().matches("[A-Z]{2}")) {
            throw new InvalidInput("country", "must be an ISO 3166 alpha-2 code like DE");
        }
        if (merchant.id().isReserved()) {
            throw new InvalidInput("merchant", "'" + merchant.id() + "' is reserved");
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

    @Override
    public Optional<CustomerProfile> profile(CustomerId id) {
        return store.jdbc()
                .sql("SELECT id, email, name, country, version, updated_at FROM customers WHERE id = ?")
                .param(id.value())
                .query((rs, i) -> head(rs))
                .optional()
                .map(h -> new CustomerProfile(
                        h.id(), h.email(), h.name(), h.country(), addresses(h.id()), h.version(), h.updatedAt()));
    }

    private record Head(CustomerId id, String email, String name, String country, long version, Instant updatedAt) {}

    private static Head head(ResultSet rs) throws SQLException {
        return new Head(
                CustomerId.of(rs.getString(1)),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4).strip(),
                rs.getLong(5),
                rs.getTimestamp(6).toInstant());
    }

    private List<Address> addresses(CustomerId id) {
        return store.jdbc()
                .sql("SELECT label, name, line1, line2, city, postal_code, country FROM addresses"
                        + " WHERE customer_id = ? ORDER BY position")
                .param(id.value())
                .query((rs, i) -> new Address(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7).strip()))
                .list();
    }

    @Override
    public CustomerProfile save(CustomerProfile.Draft draft) {
        try {
            return store.transactions().execute(status -> {
                Optional<CustomerProfile> before = profile(draft.id());
                if (before.isPresent() && unchanged(before.get(), draft)) {
                    return before.get();
                }
                Instant now = clock.instant();
                long version = store.jdbc()
                        .sql("INSERT INTO customers (id, email, name, country, updated_at) VALUES (?, ?, ?, ?, ?)"
                                + " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name,"
                                + " country = EXCLUDED.country, version = customers.version + 1,"
                                + " email_shared_with = NULL,"
                                + " updated_at = EXCLUDED.updated_at RETURNING version")
                        .params(draft.id().value(), draft.email(), draft.name(), draft.country(), Timestamp.from(now))
                        .query(Long.class)
                        .single();
                store.jdbc()
                        .sql("DELETE FROM addresses WHERE customer_id = ?")
                        .param(draft.id().value())
                        .update();
                int position = 0;
                for (Address a : draft.addresses()) {
                    store.jdbc()
                            .sql("INSERT INTO addresses (customer_id, position, label, name, line1, line2, city,"
                                    + " postal_code, country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                            .params(
                                    draft.id().value(),
                                    position++,
                                    a.label(),
                                    a.name(),
                                    a.line1(),
                                    a.line2(),
                                    a.city(),
                                    a.postalCode(),
                                    a.country())
                            .update();
                }
                Object event = before.isEmpty()
                        ? new CustomerRegistered(draft.id().value(), draft.country(), version, now)
                        : new CustomerUpdated(draft.id().value(), draft.country(), version, now);
                outbox.append(
                        before.isEmpty() ? CustomerRegistered.TYPE : CustomerUpdated.TYPE,
                        MerchantId.PLATFORM,
                        draft.id().value(),
                        event);
                return profile(draft.id()).orElseThrow();
            });
        } catch (DuplicateKeyException e) {
            // Neither the address nor that someone else has it is said back: a refusal that confirmed it
            // would let anyone holding a token test which addresses have accounts here.
            throw new Conflict(
                    EMAIL_UNAVAILABLE,
                    "This e-mail address cannot be used for this profile; choose another one",
                    Map.of("field", "email"));
        }
    }

    private static boolean unchanged(CustomerProfile p, CustomerProfile.Draft d) {
        return p.email().equals(d.email())
                && p.name().equals(d.name())
                && p.country().equals(d.country())
                && p.addresses().equals(d.addresses());
    }
}
