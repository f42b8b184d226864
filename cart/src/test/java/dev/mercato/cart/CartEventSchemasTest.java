package dev.mercato.cart;

import dev.mercato.plane.events.schema.EventSchemasCheck;
import dev.mercato.plane.events.schema.Upcasters;
import org.junit.jupiter.api.Test;

class CartEventSchemasTest {

    @Test
    void published_event_schemas_stay_backward_compatible() {
        EventSchemasCheck.assertCompatible(Upcasters.none());
    }
}
