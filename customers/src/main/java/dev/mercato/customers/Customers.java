package dev.mercato.customers;

import dev.mercato.plane.MerchantId;
import java.util.List;
import java.util.Optional;

/** The customers capability's published API: merchants and customer profiles. */
public interface Customers {

    /** Registers a merchant, or leaves an existing one as it is. */
    void onboard(Merchant merchant);

    Optional<Merchant> merchant(MerchantId id);

    List<Merchant> merchants();

    Optional<CustomerProfile> profile(CustomerId id);

    /**
     * Creates or replaces a customer's profile (addresses included), publishing {@code customer-registered}
     * or {@code customer-updated}; an unchanged profile keeps its version. An email another customer uses,
     * in any case, is a {@link dev.mercato.plane.Conflict} of type {@code email-unavailable} that names
     * neither the address nor its holder.
     */
    CustomerProfile save(CustomerProfile.Draft draft);
}
