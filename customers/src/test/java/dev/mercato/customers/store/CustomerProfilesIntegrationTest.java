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
    void an_email_another_customer_uses_in_any_case_is_a_conflict_that_names_neither_and_nothing_changes() {
        customers.save(ada("Ada@Example.com", "DE", List.of()));
        for (String email : List.of("Ada@Example.com", "ada@example.com", "ADA@EXAMPLE.COM")) {
            assertThatThrownBy(() -> customers.save(
                            new CustomerProfile.Draft(CustomerId.of("bob"), email, "Bob", "DE", List.of())))
                    .isInstanceOfSatisfying(Conflict.class, e -> {
                        assertThat(e.type()).isEqualTo(JdbcCustomers.EMAIL_UNAVAILABLE);
                        assertThat(e.getMessage())
                                .doesNotContainIgnoringCase("ada@example.com")
                                .doesNotContainIgnoringCase("another customer");
                    });
        }
        assertThat(customers.profile(CustomerId.of("bob"))).isEmpty();
        assertThat(events()).hasSize(1);
    }

    @Test
    void addresses_that_already_differ_only_by_case_survive_the_migration_and_the_later_one_must_choose_another()
            throws Exception {
        // A schema at version 2, as a platform running before case-insensitive uniqueness has it.
        String schema = "customers_v2";
        String role =
                store.jdbc().sql("SELECT current_user").query(String.class).single();
        try (var admin = stores.adminConnection();
                var s = admin.createStatement()) {
            s.execute("CREATE SCHEMA " + schema + " AUTHORIZATION \"" + role + "\"");
        }
        var flyway = org.flywaydb.core.Flyway.configure()
                .dataSource(store.dataSource())
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(false)
                .locations("classpath:db/migration/customers");
        flyway.target("2").load().migrate();
        var jdbc = store.jdbc();
        jdbc.sql("INSERT INTO " + schema + ".customers (id, email, name, country, created_at) VALUES"
                        + " ('ada', 'ada@x.io', 'Ada', 'DE', now() - interval '2 days'),"
                        + " ('ada2', 'Ada@x.io', 'Ada', 'DE', now() - interval '1 day'),"
                        + " ('ada3', 'ADA@X.IO', 'Ada', 'DE', now()),"
                        + " ('bob', 'bob@x.io', 'Bob', 'DE', now())")
                .update();

        flyway.target("latest").load().migrate();

        var marks = jdbc.sql("SELECT id, email, email_shared_with FROM " + schema + ".customers ORDER BY id")
                .query((rs, i) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3))
                .list();
        assertThat(marks)
                .containsExactly("ada ada@x.io null", "ada2 Ada@x.io ada", "ada3 ADA@X.IO ada", "bob bob@x.io null");
        // The rule holds from now on for everyone else; a marked profile saved again is held to it too.
        assertThatThrownBy(() -> jdbc.sql("INSERT INTO " + schema + ".customers (id, email, name, country)"
                                + " VALUES ('eve', 'BOB@x.io', 'Eve', 'DE')")
                        .update())
                .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
        assertThatThrownBy(
                        () -> jdbc.sql("UPDATE " + schema + ".customers SET email_shared_with = NULL WHERE id = 'ada2'")
                                .update())
                .isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
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
