package dev.mercato.customers.web;

import dev.mercato.customers.Address;
import dev.mercato.customers.CustomerId;
import dev.mercato.customers.CustomerProfile;
import dev.mercato.customers.Customers;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Customers", description = "A customer's own profile and addresses; admins may read anyone's.")
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
    @Operation(
            summary = "Get my profile",
            operationId = "getMyProfile",
            description = "Customers only; 404 until the profile was first saved.")
    @ApiResponse(responseCode = "200", description = "The caller's profile")
    ProfileJson me(Caller caller) {
        caller.requireRole(Role.CUSTOMER);
        return customers
                .profile(CustomerId.of(caller.subject()))
                .map(ProfileJson::of)
                .orElseThrow(() -> new NotFound("profile", caller.subject()));
    }

    @PutMapping("/me")
    @Operation(
            summary = "Save my profile",
            operationId = "saveMyProfile",
            description = "Customers only. Creates the profile or replaces it whole, addresses included (the first"
                    + " address is the default shipping address).")
    @ApiResponse(responseCode = "200", description = "The profile as saved")
    @ApiResponse(
            responseCode = "409",
            description = "email-unavailable: this e-mail address cannot be used for this profile; nothing was saved")
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
    @Operation(summary = "Get a customer's profile", operationId = "getCustomerProfile", description = "Admins only.")
    @ApiResponse(responseCode = "200", description = "The customer's profile")
    ProfileJson profile(@PathVariable String id, Caller caller) {
        caller.requireRole(Role.ADMIN);
        return customers
                .profile(CustomerId.of(id))
                .map(ProfileJson::of)
                .orElseThrow(() -> new NotFound("customer", id));
    }
}
