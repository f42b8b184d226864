package dev.mercato.plane.events.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class UpcastersTest {

    /** v1 to v2: the decimal price string becomes minor units; v2 to v3: title is renamed name. */
    static final Upcasters CATALOG = Upcasters.none()
            .with("catalog", "product-upserted", 1, payload -> {
                ObjectNode price = (ObjectNode) payload.get("price");
                long minor = new BigDecimal(price.get("amount").asString())
                        .movePointRight(2)
                        .longValueExact();
                price.remove("amount");
                price.put("amountMinor", minor);
                return payload;
            })
            .with(EventType.of("catalog", "product-upserted", 2), payload -> {
                ObjectNode p = (ObjectNode) payload;
                p.set("name", p.remove("title"));
                return p;
            });

    static final EventType V1 = EventType.of("catalog", "product-upserted", 1);

    static Event event(EventType type, String data) {
        return new Event(
                UUID.fromString("00000000-0000-0000-0000-000000000042"),
                type,
                Instant.parse("2025-03-01T10:15:30Z"),
                MerchantId.of("acme"),
                "6f1c2a3e-8b1d-4c5e-9f70-1a2b3c4d5e6f",
                7,
                "trace-1",
                data);
    }

    @Test
    void upcasting_v1_to_v3_chains_two_steps_and_rewrites_the_payload_and_the_type() {
        Event v1 = event(V1, Fixtures.text(Fixtures.V1_PAYLOAD));

        Event v3 = CATALOG.upcast(v1, 3);

        assertThat(v3.type()).isEqualTo(V1.atVersion(3));
        assertThat(v3.schemaVersion()).isEqualTo(3);
        JsonNode data = EventJson.tree(v3.data());
        assertThat(data.has("title")).isFalse();
        assertThat(data.get("name").asString()).isEqualTo("Espresso cup");
        assertThat(data.at("/price/amountMinor").asLong()).isEqualTo(1250L);
        assertThat(data.at("/price/currency").asString()).isEqualTo("EUR");
        assertThat(data.at("/price").has("amount")).isFalse();
        assertThat(PayloadValidator.violations(Fixtures.json(Fixtures.V3), data))
                .isEmpty();
        assertThat(v3).usingRecursiveComparison().ignoringFields("type", "data").isEqualTo(v1);
    }

    @Test
    void upcasting_without_a_target_reads_the_event_as_the_current_version() {
        Event v2 = CATALOG.upcast(event(V1, Fixtures.text(Fixtures.V1_PAYLOAD)), 2);

        assertThat(CATALOG.upcast(v2).type()).isEqualTo(V1.atVersion(3));
    }

    @Test
    void a_missing_step_fails_naming_it() {
        Upcasters onlyFirst = Upcasters.none().with(V1, p -> p);

        assertThatThrownBy(() -> onlyFirst.upcast(event(V1, "{}"), 3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Cannot upcast catalog.product-upserted.v1 to v3:"
                        + " no upcaster from catalog.product-upserted.v2 to v3 is registered");
    }

    @Test
    void an_event_already_at_the_target_version_is_returned_as_is() {
        Event v3 = event(V1.atVersion(3), "{\"name\":\"x\"}");

        assertThat(CATALOG.upcast(v3, 3)).isSameAs(v3);
        assertThat(CATALOG.upcast(v3)).isSameAs(v3);
    }

    @Test
    void upcasting_to_an_older_version_is_refused() {
        assertThatThrownBy(() -> CATALOG.upcast(event(V1.atVersion(3), "{}"), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only go to newer versions");
    }

    @Test
    void an_event_newer_than_the_registry_knows_is_refused() {
        assertThatThrownBy(() -> CATALOG.upcast(event(V1.atVersion(4), "{}")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the producer is ahead");
    }

    @Test
    void the_current_version_is_one_past_the_highest_step() {
        assertThat(CATALOG.currentVersion("catalog", "product-upserted")).isEqualTo(3);
        assertThat(CATALOG.currentVersion("catalog", "price-changed")).isEqualTo(1);
        assertThat(Upcasters.none().currentVersion("catalog", "product-upserted"))
                .isEqualTo(1);
    }

    @Test
    void registering_the_same_step_twice_fails() {
        assertThatThrownBy(() -> CATALOG.with(V1, p -> p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
    }

    @Test
    void registries_combine() {
        Upcasters orders = Upcasters.none().with("orders", "order-placed", 1, p -> p);

        Upcasters all = CATALOG.and(orders);

        assertThat(all.steps()).containsExactly(V1, V1.atVersion(2), EventType.of("orders", "order-placed", 1));
        assertThat(all.currentVersion("orders", "order-placed")).isEqualTo(2);
    }

    @Test
    void the_callers_payload_is_left_unchanged() {
        ObjectNode payload = Fixtures.json(Fixtures.V1_PAYLOAD);
        String before = payload.toString();

        JsonNode v3 = CATALOG.upcast(V1, payload, 3);

        assertThat(payload.toString()).isEqualTo(before);
        assertThat(v3.has("name")).isTrue();
    }

    @Test
    void a_step_that_returns_no_object_fails_clearly() {
        Upcasters broken = Upcasters.none().with(V1, p -> null);

        assertThatThrownBy(() -> broken.upcast(event(V1, "{}"), 2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The upcaster from catalog.product-upserted.v1 to v2 returned null, not a JSON object");
    }
}
