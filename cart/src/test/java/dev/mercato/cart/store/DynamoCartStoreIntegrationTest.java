package dev.mercato.cart.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.catalog.Sku;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cart store contract on the DynamoDB API, against dynalite (see {@link DynaliteServer}); a table per
 * test, created by the store as it is in production.
 */
class DynamoCartStoreIntegrationTest extends CartStoreContract {

    private static final AtomicInteger TABLES = new AtomicInteger();

    DynamoSettings settings;

    /** Skips (or, on CI, fails) the whole class at once when dynalite cannot run here. */
    @BeforeAll
    static void startDynalite() {
        DynaliteServer.endpoint();
    }

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

    /** The item as the table holds it, tombstones included, read past the store. */
    Map<String, AttributeValue> rawItem(CartId id) {
        try (DynamoDbClient raw = DynamoDbClient.builder()
                .endpointOverride(settings.endpoint().orElseThrow())
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            return raw.getItem(r -> r.tableName(settings.table())
                            .key(Map.of("id", AttributeValue.fromS(id.value())))
                            .consistentRead(true))
                    .item();
        }
    }

    @Test
    void a_tombstone_whose_last_events_are_marked_published_after_the_sweep_is_deleted_not_left_behind() {
        Cart cart = carts.create(Optional.empty());
        carts.setQuantity(cart.id(), Sku.of("MUG-1"), 1, OptionalLong.empty());
        carts.convert(cart.id(), "o_1");
        OutboxBatch read = store.pending(100); // the relay read them and is publishing...
        clock.advance(TTL);
        assertThat(carts.sweepExpired()).isEqualTo(1); // ...the sweep made a tombstone holding them...
        assertThat(rawItem(cart.id())).containsKey("swept_at");

        store.markPublished(read); // ...then the relay marks them published.

        assertThat(rawItem(cart.id())).isEmpty();
        assertThat(store.pending(100).isEmpty()).isTrue();
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
