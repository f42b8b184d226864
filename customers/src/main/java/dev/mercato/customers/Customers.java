package dev.mercato.customers;

import dev.mercato.plane.MerchantId;
import java.util.List;
import java.util.Optional;

/** The customers capability's published API. */
public interface Customers {

    /** Registers a merchant, or leaves an existing one as it is. */
    void onboard(Merchant merchant);

    Optional<Merchant> merchant(MerchantId id);

    List<Merchant> merchants();
}
