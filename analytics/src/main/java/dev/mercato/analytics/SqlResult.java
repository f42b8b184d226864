package dev.mercato.analytics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The rows of an admin's query, every column kept in order even when two share a name: the columns with
 * their DuckDB types, and each row as an array in column order. Values are JSON-safe: integers up to
 * BIGINT as numbers; DECIMAL, HUGEINT, UBIGINT and wider as decimal strings; NaN and infinities as the
 * strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; BLOBs (at any depth) as base64 strings;
 * dates, times and intervals as DuckDB prints them; lists and arrays as arrays; structs and maps as objects.
 *
 * @param truncated whether more rows matched than the row limit let through
 */
public record SqlResult(List<Column> columns, List<List<Object>> rows, boolean truncated) {

    /** A column: its name as the query gave it, and its DuckDB type ({@code BLOB} values are base64). */
    public record Column(String name, String type) {}

    public SqlResult {
        columns = List.copyOf(columns);
        List<List<Object>> copied = new ArrayList<>(rows.size());
        // Values may be SQL NULL, which List.copyOf refuses.
        rows.forEach(r -> copied.add(Collections.unmodifiableList(new ArrayList<>(r))));
        rows = Collections.unmodifiableList(copied);
    }
}
