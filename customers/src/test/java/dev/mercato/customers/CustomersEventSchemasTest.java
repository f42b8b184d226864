package dev.mercato.customers;

import dev.mercato.plane.events.schema.EventSchemasCheck;
import dev.mercato.plane.events.schema.Upcasters;
import org.junit.jupiter.api.Test;

class CustomersEventSchemasTest {

    @Test
    void published_event_schemas_stay_compatible() {
        EventSchemasCheck.assertCompatible(Upcasters.none());
    }
}
