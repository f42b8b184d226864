package dev.mercato.search.store;

import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.ViewRuntime;
import dev.mercato.search.Search;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Answers discovery queries from the active generation of the listings view. */
public final class ListingsQuery implements Search {

    private final ViewRuntime runtime;

    public ListingsQuery(ViewRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public Results search(Query q) {
        return runtime.read(ListingsView.NAME, (jdbc, g) -> run(jdbc, g, q));
    }

    private static Results run(JdbcClient jdbc, Generation g, Query q) {
        String t = g.table("listings");
        List<Object> params = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE title IS NOT NULL AND status = 'active'");
        List<String> words = q.text().map(s -> List.of(s.toLowerCase().split("\\s+"))).orElse(List.of()).stream()
                .filter(w -> !w.isBlank())
                .toList();
        for (String w : words) {
            where.append(" AND lower(title || ' ' || coalesce(description, '')) LIKE ?");
            params.add("%" + escapeLike(w) + "%");
        }
        q.minPrice().ifPresent(p -> {
            where.append(" AND price >= ?");
            params.add(p);
        });
        q.maxPrice().ifPresent(p -> {
            where.append(" AND price <= ?");
            params.add(p);
        });
        q.inStock().ifPresent(in -> where.append(in ? " AND available > 0" : " AND coalesce(available, 0) = 0"));
        // Category facets count over every other filter, so a client can widen or switch the category.
        Map<String, Long> categories = new LinkedHashMap<>();
        jdbc.sql("SELECT category, count(*) FROM " + t + where + " GROUP BY category ORDER BY category")
                .params(params)
                .query((java.sql.ResultSet rs) -> {
                    categories.put(rs.getString(1), rs.getLong(2));
                });
        StringBuilder filtered = new StringBuilder(where);
        List<Object> filteredParams = new ArrayList<>(params);
        q.category().ifPresent(c -> {
            filtered.append(" AND (category = ? OR category LIKE ?)");
            filteredParams.add(c);
            filteredParams.add(escapeLike(c) + "/%");
        });
        Map<String, Long> stock = new LinkedHashMap<>();
        jdbc.sql("SELECT available > 0, count(*) FROM " + t + filtered + " GROUP BY 1")
                .params(filteredParams)
                .query((java.sql.ResultSet rs) -> {
                    stock.merge(rs.getBoolean(1) ? "true" : "false", rs.getLong(2), Long::sum);
                });
        long total = stock.values().stream().mapToLong(Long::longValue).sum();
        String order = switch (q.sort()) {
            case PRICE_ASC -> " ORDER BY price, sku";
            case PRICE_DESC -> " ORDER BY price DESC, sku";
            case NEWEST -> " ORDER BY listed_at DESC, sku";
            case RELEVANCE -> words.isEmpty() ? " ORDER BY sku" : " ORDER BY (lower(title) LIKE ?) DESC, sku";
        };
        List<Object> pageParams = new ArrayList<>(filteredParams);
        if (q.sort() == Sort.RELEVANCE && !words.isEmpty()) {
            pageParams.add("%" + escapeLike(words.getFirst()) + "%");
        }
        pageParams.add(q.limit());
        pageParams.add(q.offset());
        List<Hit> items = jdbc.sql("SELECT sku, merchant_id, title, category, price, currency, available FROM " + t
                        + filtered + order + " LIMIT ? OFFSET ?")
                .params(pageParams)
                .query((rs, i) -> {
                    Integer available = (Integer) rs.getObject("available");
                    return new Hit(
                            rs.getString("sku"),
                            rs.getString("merchant_id"),
                            rs.getString("title"),
                            rs.getString("category"),
                            rs.getBigDecimal("price")
                                    .setScale(digits(rs.getString("currency")), java.math.RoundingMode.HALF_EVEN),
                            rs.getString("currency"),
                            available != null && available > 0,
                            available);
                })
                .list();
        int next = q.offset() + items.size() < total ? q.offset() + items.size() : -1;
        Map<String, Map<String, Long>> facets = new LinkedHashMap<>();
        facets.put("category", categories);
        facets.put("inStock", stock);
        return new Results(items, facets, total, next);
    }

    private static int digits(String currency) {
        return Math.max(0, java.util.Currency.getInstance(currency.strip()).getDefaultFractionDigits());
    }

    private static String escapeLike(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
