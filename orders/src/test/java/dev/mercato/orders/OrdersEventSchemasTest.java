package dev.mercato.orders;

import dev.mercato.plane.events.schema.EventSchemasCheck;
import dev.mercato.plane.events.schema.Upcasters;
import org.junit.jupiter.api.Test;

class OrdersEventSchemasTest {

    @Test
    void published_event_schemas_stay_compatible() {
        EventSchemasCheck.assertCompatible(Upcasters.none());
    }
}
