package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.SqlResult;
import dev.mercato.analytics.Table;
import dev.mercato.plane.InvalidInput;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBStruct;

/** Reads a result set into a {@link Table} or a {@link SqlResult}, values in a form JSON keeps exactly. */
final class Rows {

    /** Deeper values are refused rather than handed to a JSON writer that would fail on them. */
    static final int MAX_DEPTH = 64;

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();
    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral(' ')
            .append(TIME)
            .toFormatter();
    private static final LocalDate DATE_INFINITY = LocalDate.ofEpochDay(Integer.MAX_VALUE);
    private static final LocalDate DATE_MINUS_INFINITY = LocalDate.ofEpochDay(-Integer.MAX_VALUE);
    // DuckDB's timestamps lie within these; its infinities are encoded just outside them.
    private static final LocalDateTime TIMESTAMP_MAX = LocalDateTime.of(294247, 1, 10, 4, 0, 54, 775_806_000);
    private static final LocalDateTime TIMESTAMP_MIN = LocalDateTime.of(-290308, 12, 22, 0, 0);

    private Rows() {}

    /** A report's rows, by column name (reports never repeat a name). */
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

    /** The first {@code columns.size()} columns of each row, by position, so names may repeat. */
    static SqlResult read(ResultSet rs, List<SqlResult.Column> columns, int limit) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        boolean truncated = false;
        while (rs.next()) {
            if (rows.size() == limit) {
                truncated = true;
                break;
            }
            List<Object> row = new ArrayList<>(columns.size());
            for (int i = 1; i <= columns.size(); i++) {
                try {
                    row.add(value(rs.getObject(i)));
                } catch (DateTimeException e) {
                    // The driver cannot build a Java time for some of DuckDB's (TIME '24:00:00' in a list).
                    throw new InvalidInput(
                            "sql",
                            "returns a value in column " + columns.get(i - 1).name() + " the server cannot render ("
                                    + e.getMessage() + "); cast it to VARCHAR");
                }
            }
            rows.add(row);
        }
        return new SqlResult(columns, rows, truncated);
    }

    static Object value(Object v) throws SQLException {
        return value(v, 0);
    }

    private static Object value(Object v, int depth) throws SQLException {
        if (depth > MAX_DEPTH) {
            throw new InvalidInput("sql", "returns values nested more than " + MAX_DEPTH + " levels deep");
        }
        return switch (v) {
            case null -> null;
            case BigDecimal d -> d.stripTrailingZeros().toPlainString();
            // Past 2^53 a JSON number loses digits in most readers.
            case BigInteger i -> i.toString();
            case Double d -> Double.isFinite(d) ? d : Double.toString(d);
            case Float f -> Float.isFinite(f) ? f : Float.toString(f);
            case Number n -> n;
            case Boolean b -> b;
            case String s -> s;
            case Blob b -> Base64.getEncoder().encodeToString(b.getBytes(1, (int) b.length()));
            case Array a -> list((Object[]) a.getArray(), depth);
            case DuckDBStruct s -> object(s.getMap(), depth);
            case Map<?, ?> m -> object(m, depth);
            case LocalDate d -> date(d);
            // Dates and times as DuckDB prints them, so they read the same at any depth.
            case Timestamp t -> timestamp(t.toLocalDateTime());
            case LocalDateTime t -> timestamp(t);
            case OffsetDateTime t ->
                timestamp(t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()) + "+00";
            case LocalTime t -> TIME.format(t);
            case OffsetTime t -> TIME.format(t) + offset(t.getOffset());
            case java.sql.Date d -> date(d.toLocalDate());
            default -> v.toString();
        };
    }

    private static List<Object> list(Object[] values, int depth) throws SQLException {
        List<Object> out = new ArrayList<>(values.length);
        for (Object e : values) {
            out.add(value(e, depth + 1));
        }
        return out;
    }

    private static Map<String, Object> object(Map<?, ?> values, int depth) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : values.entrySet()) {
            out.put(String.valueOf(value(e.getKey(), depth + 1)), value(e.getValue(), depth + 1));
        }
        return out;
    }

    private static String date(LocalDate d) {
        if (d.equals(DATE_INFINITY)) {
            return "infinity";
        }
        return d.equals(DATE_MINUS_INFINITY) ? "-infinity" : d.toString();
    }

    private static String timestamp(LocalDateTime t) {
        if (t.isAfter(TIMESTAMP_MAX)) {
            return "infinity";
        }
        return t.isBefore(TIMESTAMP_MIN) ? "-infinity" : TIMESTAMP.format(t);
    }

    /** {@code +02} or {@code -03:30}, as DuckDB prints an offset. */
    private static String offset(ZoneOffset o) {
        int seconds = Math.abs(o.getTotalSeconds());
        String out = (o.getTotalSeconds() < 0 ? "-" : "+") + twoDigits(seconds / 3600);
        return seconds % 3600 == 0 ? out : out + ":" + twoDigits(seconds % 3600 / 60);
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }
}
