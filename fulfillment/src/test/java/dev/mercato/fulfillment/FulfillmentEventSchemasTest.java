package dev.mercato.fulfillment;

import dev.mercato.plane.events.schema.EventSchemasCheck;
import dev.mercato.plane.events.schema.Upcasters;
import org.junit.jupiter.api.Test;

class FulfillmentEventSchemasTest {

    @Test
    void published_event_schemas_stay_compatible() {
        EventSchemasCheck.assertCompatible(Upcasters.none());
    }
}
