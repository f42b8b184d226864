package dev.mercato.analytics;

import java.util.List;
import java.util.Map;

/**
 * Rows of a named report: column names in order, and each row as column name to value (numbers as
 * decimal strings or integers, dates as ISO strings), so the JSON keeps the column order and money is
 * never a binary floating-point number. (A report never repeats a column name; an admin's query may, and
 * is answered as a {@link SqlResult}.)
 *
 * @param truncated whether more rows matched than the row limit let through
 */
public record Table(List<String> columns, List<Map<String, Object>> rows, boolean truncated) {

    public Table {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
