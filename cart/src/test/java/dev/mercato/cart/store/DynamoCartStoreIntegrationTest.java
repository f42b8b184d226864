package dev.mercato.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cart store contract on the DynamoDB API, against dynalite (see {@link DynaliteServer}); a table per
 * test, created by the store as it is in production.
 */
class DynamoCartStoreIntegrationTest extends CartStoreContract {

    private static final AtomicInteger TABLES = new AtomicInteger();

    DynamoSettings settings;

    @Override
    CartStore openStore() {
        settings = new DynamoSettings(
                Optional.of(DynaliteServer.endpoint()),
                "eu-west-1",
                "carts-" + TABLES.incrementAndGet(),
                "test-key",
                "test-secret",
                true);
        return DynamoCartStore.open(settings);
    }

    @Test
    void opening_an_existing_table_again_keeps_its_carts_and_its_probe_is_named_dynamodb() {
        var cart = carts.create(Optional.empty());

        try (DynamoCartStore again = DynamoCartStore.open(settings)) {
            assertThat(again.read(cart.id(), clock.instant())).isPresent();
            assertThat(again.name()).isEqualTo("dynamodb");
            assertThat(again.check().up()).isTrue();
            assertThat(again.check().details()).containsEntry("table", settings.table());
        }
    }

    @Test
    void a_missing_table_is_reported_with_what_to_set_when_it_may_not_be_created() {
        var missing =
                new DynamoSettings(settings.endpoint(), "eu-west-1", "no-such-carts", "test-key", "test-secret", false);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DynamoCartStore.open(missing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-carts does not exist")
                .hasMessageContaining("mercato.cart.dynamodb.create-table=true");
    }
}
