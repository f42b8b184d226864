package dev.mercato.analytics.warehouse;

import dev.mercato.analytics.Table;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named reports. Revenue counts an order's lines at the price checkout charged, for every order that
 * was placed in the period and is not cancelled or refunded now (placed, picking, packed, shipped,
 * delivered): the money the merchant keeps. Periods are inclusive UTC dates of placement.
 */
public final class Reports {

    public static final String REVENUE = "revenue-by-country-category";
    public static final String FUNNEL = "cart-funnel";
    public static final String DAILY_SALES = "daily-sales";
    public static final List<String> NAMES = List.of(REVENUE, FUNNEL, DAILY_SALES);

    /** The orders that count as revenue, as a condition on {@code dim_order o} (the revenue query's anti-join is the same rule). */
    public static final String COUNTS_AS_REVENUE = " o.status NOT IN ('cancelled', 'refunded')";

    /**
     * Seed 000's revenue query on the star schema: the customer's country (the ship-to country for a
     * customer without a profile), the category the line was sold under (the fact carries it, as the
     * orders' lines do: a product moved to another category later does not rewrite history), revenue,
     * orders and the average order value (revenue over orders: the seed's AVG over joined lines weighs an
     * order by its lines). Orders that do not count are taken out with an anti-join on the few cancelled
     * or refunded ones rather than a join with every order: on 10 M lines that halves the time.
     */
    public static final String REVENUE_SQL = """
            SELECT coalesce(c.country, l.ship_country) AS country,
                   l.category AS category,
                   SUM(l.unit_price * l.quantity) AS revenue,
                   COUNT(DISTINCT l.order_id) AS order_count,
                   CAST(SUM(l.unit_price * l.quantity) / COUNT(DISTINCT l.order_id) AS DECIMAL(18, 2))
                       AS avg_order_value
            FROM fact_order_line l
            JOIN dim_date d ON d.date_key = l.date_key
            LEFT JOIN dim_customer c ON c.customer_id = l.customer
            WHERE l.date_key BETWEEN ? AND ?
              AND (CAST(? AS VARCHAR) IS NULL OR coalesce(c.country, l.ship_country) = ?)
              AND NOT EXISTS (SELECT 1 FROM dim_order o
                              WHERE o.order_id = l.order_id AND o.status IN ('cancelled', 'refunded'))
            GROUP BY 1, 2
            ORDER BY revenue DESC, country, category
            """;

    private static final String FUNNEL_SQL = """
            WITH created AS (
                SELECT DISTINCT cart_id FROM fact_cart_event
                WHERE kind = 'cart-created' AND date_key BETWEEN ? AND ?
                  AND (CAST(? AS VARCHAR) IS NULL OR merchant = ?)),
            steps AS (
                SELECT cart_id,
                       bool_or(kind = 'line-changed' AND quantity > coalesce(previous_quantity, 0)) AS added,
                       bool_or(kind = 'checkout-started') AS started,
                       bool_or(kind = 'order-placed') AS paid
                FROM fact_cart_event WHERE cart_id IN (SELECT cart_id FROM created)
                GROUP BY cart_id),
            counts AS (
                SELECT 1 AS n, 'carts_created' AS step, count(*) AS carts FROM steps
                UNION ALL SELECT 2, 'items_added', count(*) FILTER (WHERE added) FROM steps
                UNION ALL SELECT 3, 'checkout_started', count(*) FILTER (WHERE started) FROM steps
                UNION ALL SELECT 4, 'paid', count(*) FILTER (WHERE paid) FROM steps)
            SELECT step, carts,
                   CAST(CASE WHEN n = 1 THEN NULL
                        ELSE carts / nullif(lag(carts) OVER (ORDER BY n), 0) END AS DECIMAL(6, 4))
                       AS rate_from_previous
            FROM counts ORDER BY n
            """;

    private static final String DAILY_SQL = """
            WITH sales AS (
                SELECT l.date_key, l.merchant, COUNT(DISTINCT l.order_id) AS orders,
                       SUM(l.unit_price * l.quantity) AS revenue
                FROM fact_order_line l JOIN dim_order o ON o.order_id = l.order_id
                WHERE l.date_key BETWEEN ? AND ? AND (CAST(? AS VARCHAR) IS NULL OR l.merchant = ?)
                  AND """ + COUNTS_AS_REVENUE + """

                GROUP BY 1, 2),
            captured AS (
                SELECT date_key, merchant, SUM(amount) AS captured FROM fact_payment
                WHERE kind = 'captured' AND date_key BETWEEN ? AND ?
                  AND (CAST(? AS VARCHAR) IS NULL OR merchant = ?)
                GROUP BY 1, 2)
            SELECT coalesce(s.date_key, c.date_key) AS date, coalesce(s.merchant, c.merchant) AS merchant,
                   coalesce(s.orders, 0) AS orders, coalesce(s.revenue, 0) AS revenue,
                   coalesce(c.captured, 0) AS captured
            FROM sales s FULL OUTER JOIN captured c ON s.date_key = c.date_key AND s.merchant = c.merchant
            ORDER BY 1, 2
            """;

    private static final Map<String, Set<String>> PARAMETERS = Map.of(
            REVENUE, Set.of("from", "to", "country"),
            FUNNEL, Set.of("from", "to", "merchant"),
            DAILY_SALES, Set.of("from", "to", "merchant"));

    private final Clock clock;

    public Reports(Clock clock) {
        this.clock = clock;
    }

    /** The parameters as the report used them (defaults filled in). */
    public Map<String, String> normalize(String name, Map<String, String> given) {
        Set<String> known = PARAMETERS.get(name);
        if (known == null) {
            throw new NotFound("report", name + "'; the reports are " + String.join(", ", NAMES) + " and no other");
        }
        for (String p : given.keySet()) {
            if (!known.contains(p)) {
                throw new InvalidInput(
                        p,
                        "is not a parameter of " + name + "; it takes "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
        LocalDate to = date("to", given.get("to"), LocalDate.now(clock.withZone(ZoneOffset.UTC)));
        LocalDate from = date("from", given.get("from"), to.minusDays(30));
        if (from.isAfter(to)) {
            throw new InvalidInput("from", "must not be after to (" + from + " > " + to + ")");
        }
        Map<String, String> used = new LinkedHashMap<>();
        used.put("from", from.toString());
        used.put("to", to.toString());
        for (String p : List.of("country", "merchant")) {
            String v = given.get(p);
            if (v != null && !v.isBlank()) {
                if (p.equals("country") && !v.matches("[A-Z]{2}")) {
                    throw new InvalidInput("country", "must be an ISO 3166 alpha-2 code such as DE, got '" + v + "'");
                }
                used.put(p, v);
            }
        }
        return used;
    }

    private static LocalDate date(String field, String value, LocalDate otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidInput(field, "must be a date as YYYY-MM-DD, got '" + value + "'");
        }
    }

    /** Runs a report with normalized parameters. */
    public Table run(Connection c, String name, Map<String, String> p) throws SQLException {
        LocalDate from = LocalDate.parse(p.get("from"));
        LocalDate to = LocalDate.parse(p.get("to"));
        String filter = p.get(name.equals(REVENUE) ? "country" : "merchant");
        String sql = switch (name) {
            case REVENUE -> REVENUE_SQL;
            case FUNNEL -> FUNNEL_SQL;
            default -> DAILY_SQL;
        };
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int repeats = name.equals(DAILY_SALES) ? 2 : 1;
            int i = 1;
            for (int r = 0; r < repeats; r++) {
                s.setObject(i++, from);
                s.setObject(i++, to);
                s.setString(i++, filter);
                s.setString(i++, filter);
            }
            try (ResultSet rs = s.executeQuery()) {
                return Rows.read(rs, 100_000);
            }
        }
    }
}
