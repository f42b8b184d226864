package dev.mercato.customers;

import dev.mercato.plane.InvalidInput;
import java.util.Locale;
import java.util.Set;

/** ISO 3166-1 alpha-2 country codes, as the JDK knows them. */
public final class Countries {

    private static final Set<String> CODES = Set.of(Locale.getISOCountries());

    private Countries() {}

    /** The code when it is an ISO 3166 alpha-2 code, else an {@link InvalidInput} naming the field. */
    public static String require(String field, String code) {
        if (code == null || !CODES.contains(code)) {
            throw new InvalidInput(field, "must be an ISO 3166 alpha-2 country code like DE, got '" + code + "'");
        }
        return code;
    }
}
