package dev.mercato.customers.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.customers.CustomerProfile;
import dev.mercato.customers.events.CustomerRegistered;
import dev.mercato.customers.events.CustomerUpdated;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
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

class CustomerProfilesIntegrationTest {

    PostgresStores stores;
    CapabilityStore store;
    JdbcCustomers customers;

    @BeforeEach
    void open() {
        stores = SharedPostgres.freshStores();
        store = stores.open("customers");
        stores.migrate(store, "classpath:db/plane/outbox", "plane_outbox_history");
        customers = new JdbcCustomers(store, new Outbox(store, Clock.systemUTC()), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    static final Address HOME = new Address("home", "Ada L", "1 Main St", null, "Berlin", "10115", "DE");

    static CustomerProfile.Draft ada(String email, String country, List<Address> addresses) {
        return new CustomerProfile.Draft(CustomerId.of("ada"), email, "Ada L", country, addresses);
    }

    List<Map<String, String>> events() {
        return store.jdbc()
                .sql("SELECT type, payload FROM outbox ORDER BY position")
                .query((rs, i) -> Map.of("type", rs.getString(1), "payload", rs.getString(2)))
                .list();
    }

    @Test
    void a_profile_is_registered_then_updated_with_one_event_per_change_and_no_contact_details() {
        customers.save(ada("ada@example.com", "DE", List.of(HOME)));
        customers.save(ada("ada@example.com", "DE", List.of(HOME)));
        CustomerProfile moved = customers.save(ada("ada@example.com", "FR", List.of()));
        assertThat(moved.version()).isEqualTo(2);
        assertThat(moved.addresses()).isEmpty();
        List<Map<String, String>> events = events();
        assertThat(events)
                .extracting(e -> e.get("type"))
                .containsExactly(CustomerRegistered.TYPE.wire(), CustomerUpdated.TYPE.wire());
        for (var e : events) {
            assertThat(e.get("payload")).doesNotContain("ada@example.com").doesNotContain("Main St");
            assertThat(PayloadValidator.violations(
                            EventSchemas.load(EventType.parse(e.get("type"))), EventJson.tree(e.get("payload"))))
                    .isEmpty();
        }
        assertThat(customers.profile(CustomerId.of("ada")).orElseThrow().country())
                .isEqualTo("FR");
    }

    @Test
    void addresses_keep_their_order_and_the_first_is_the_default() {
        Address work = new Address("work", "Ada L", "2 Side St", "Floor 3", "Paris", "75001", "FR");
        CustomerProfile p = customers.save(ada("ada@example.com", "DE", List.of(work, HOME)));
        assertThat(p.addresses()).containsExactly(work, HOME);
        assertThat(p.defaultAddress()).hasValue(work);
    }

    @Test
    void an_email_another_customer_uses_is_a_conflict_and_nothing_changes() {
        customers.save(ada("ada@example.com", "DE", List.of()));
        assertThatThrownBy(() -> customers.save(
                        new CustomerProfile.Draft(CustomerId.of("bob"), "ada@example.com", "Bob", "DE", List.of())))
                .isInstanceOfSatisfying(
                        Conflict.class, e -> assertThat(e.type()).isEqualTo("email-taken"));
        assertThat(customers.profile(CustomerId.of("bob"))).isEmpty();
        assertThat(events()).hasSize(1);
    }

    @Test
    void bad_countries_and_emails_name_their_field() {
        assertThatThrownBy(() -> ada("ada@example.com", "XX", List.of()))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("country"));
        assertThatThrownBy(() -> ada("not-an-email", "DE", List.of()))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("email"));
        assertThatThrownBy(() -> new Address("", "", "1 St", "", "X", "1", "DE"))
                .isInstanceOfSatisfying(
                        InvalidInput.class, e -> assertThat(e.field()).isEqualTo("name"));
    }
}
