package dev.mercato.customers;

import dev.mercato.plane.InvalidInput;

/** A postal address; the first of a customer's addresses is where orders ship by default. */
public record Address(
        String label, String name, String line1, String line2, String city, String postalCode, String country) {

    public Address {
        label = optional("label", label, 50);
        name = required("name", name, 200);
        line1 = required("line1", line1, 200);
        line2 = optional("line2", line2, 200);
        city = required("city", city, 100);
        postalCode = required("postalCode", postalCode, 20);
        country = Countries.require("country", country);
    }

    static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new InvalidInput(field, "is required");
        }
        String v = value.strip();
        if (v.length() > max) {
            throw new InvalidInput(field, "must be at most " + max + " characters");
        }
        return v;
    }

    static String optional(String field, String value, int max) {
        return value == null || value.isBlank() ? "" : required(field, value, max);
    }
}
