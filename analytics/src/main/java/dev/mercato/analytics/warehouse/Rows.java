package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.Table;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a result set into a {@link Table}, values in a form JSON keeps exactly. */
final class Rows {

    private Rows() {}

    static Table read(ResultSet rs, int limit) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            columns.add(md.getColumnLabel(i));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == limit) {
                truncated = true;
                break;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= columns.size(); i++) {
                row.put(columns.get(i - 1), value(rs.getObject(i)));
            }
            rows.add(row);
        }
        return new Table(columns, rows, truncated);
    }

    static Object value(Object v) {
        return switch (v) {
            case null -> null;
            case BigDecimal d -> d.stripTrailingZeros().toPlainString();
            case Timestamp t -> t.toInstant().toString();
            case java.sql.Date d -> d.toLocalDate().toString();
            case Number n -> n;
            case Boolean b -> b;
            default -> v.toString();
        };
    }
}
