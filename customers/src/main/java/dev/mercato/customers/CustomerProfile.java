package dev.mercato.customers;

import dev.mercato.plane.InvalidInput;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A customer's profile: who they are, where they live (their country is what sales are reported by) and
 * where they want things shipped.
 */
public record CustomerProfile(
        CustomerId id,
        String email,
        String name,
        String country,
        List<Address> addresses,
        long version,
        Instant updatedAt) {

    public static final int MAX_ADDRESSES = 10;

    public CustomerProfile {
        addresses = List.copyOf(addresses);
    }

    public Optional<Address> defaultAddress() {
        return addresses.stream().findFirst();
    }

    /** What a customer sends to create or change their profile; validated before anything is written. */
    public record Draft(CustomerId id, String email, String name, String country, List<Address> addresses) {
        public Draft {
            email = Address.required("email", email, 254);
            if (!email.matches("[^@\\s]+@[^@\\s]+")) {
                throw new InvalidInput("email", "is not an email address");
            }
            name = Address.required("name", name, 200);
            country = Countries.require("country", country);
            addresses = addresses == null ? List.of() : List.copyOf(addresses);
            if (addresses.size() > MAX_ADDRESSES) {
                throw new InvalidInput("addresses", "at most " + MAX_ADDRESSES);
            }
        }
    }
}
