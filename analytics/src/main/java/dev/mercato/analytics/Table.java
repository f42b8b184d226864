package dev.mercato.analytics;

import java.util.List;
import java.util.Map;

/**
 * Rows of a report or a query: column names in order, and each row as column name to value (numbers as
 * decimal strings or integers, dates as ISO strings), so the JSON keeps the column order and money is
 * never a binary floating-point number.
 *
 * @param truncated whether more rows matched than the row limit let through
 */
public record Table(List<String> columns, List<Map<String, Object>> rows, boolean truncated) {

    public Table {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
