package dev.mercato.customers.web;

import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.customers.CustomerProfile;
import dev.mercato.customers.Customers;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** A customer's own profile; admins may read anyone's. */
@RestController
@RequestMapping("/api/v1/customers")
class CustomerController {

    private final Customers customers;

    CustomerController(Customers customers) {
        this.customers = customers;
    }

    record AddressJson(
            String label, String name, String line1, String line2, String city, String postalCode, String country) {
        Address toAddress() {
            return new Address(label, name, line1, line2, city, postalCode, country);
        }

        static AddressJson of(Address a) {
            return new AddressJson(a.label(), a.name(), a.line1(), a.line2(), a.city(), a.postalCode(), a.country());
        }
    }

    record ProfileJson(
            String id,
            String email,
            String name,
            String country,
            List<AddressJson> addresses,
            long version,
            Instant updatedAt) {
        static ProfileJson of(CustomerProfile p) {
            return new ProfileJson(
                    p.id().value(),
                    p.email(),
                    p.name(),
                    p.country(),
                    p.addresses().stream().map(AddressJson::of).toList(),
                    p.version(),
                    p.updatedAt());
        }
    }

    record ProfileInput(String email, String name, String country, List<AddressJson> addresses) {}

    @GetMapping("/me")
    ProfileJson me(Caller caller) {
        caller.requireRole(Role.CUSTOMER);
        return customers
                .profile(CustomerId.of(caller.subject()))
                .map(ProfileJson::of)
                .orElseThrow(() -> new NotFound("profile", caller.subject()));
    }

    @PutMapping("/me")
    ProfileJson save(@RequestBody ProfileInput input, Caller caller) {
        caller.requireRole(Role.CUSTOMER);
        if (input == null) {
            throw new InvalidInput("body", "is required");
        }
        List<Address> addresses = input.addresses() == null
                ? List.of()
                : input.addresses().stream()
                        .map(a -> {
                            if (a == null) {
                                throw new InvalidInput("addresses", "must not contain null");
                            }
                            return a.toAddress();
                        })
                        .toList();
        return ProfileJson.of(customers.save(new CustomerProfile.Draft(
                CustomerId.of(caller.subject()), input.email(), input.name(), input.country(), addresses)));
    }

    @GetMapping("/{id}")
    ProfileJson profile(@PathVariable String id, Caller caller) {
        caller.requireRole(Role.ADMIN);
        return customers
                .profile(CustomerId.of(id))
                .map(ProfileJson::of)
                .orElseThrow(() -> new NotFound("customer", id));
    }
}
