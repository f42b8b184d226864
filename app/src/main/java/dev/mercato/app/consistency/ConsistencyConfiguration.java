package dev.mercato.app.consistency;

import dev.mercato.accounting.Books;
import dev.mercato.fulfillment.Fulfillment;
import dev.mercato.inventory.Inventory;
import dev.mercato.orders.Orders;
import dev.mercato.payments.Payments;
import dev.mercato.payments.ProviderLedger;
import dev.mercato.plane.consume.ViewRuntime;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The cross-capability order check, over every capability's published API. */
@Configuration(proxyBeanMethods = false)
class ConsistencyConfiguration {

    @Bean
    OrderReconciliation orderReconciliation(
            Orders orders,
            Payments payments,
            ObjectProvider<ProviderLedger> ledger,
            Inventory inventory,
            Fulfillment fulfillment,
            Books journal,
            ViewRuntime views,
            Clock clock) {
        return new OrderReconciliation(
                orders,
                payments,
                Optional.ofNullable(ledger.getIfAvailable()),
                inventory,
                fulfillment,
                journal,
                views,
                clock);
    }
}
