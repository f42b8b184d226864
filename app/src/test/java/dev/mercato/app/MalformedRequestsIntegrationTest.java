package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.plane.postgres.PostgresStores;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Thousands of malformed requests against every route, as every kind of caller: each is answered with a
 * 4xx problem (never a 5xx), and a request answered with a 4xx writes nothing. Seeded, so a failure
 * replays; the seed and the request are in the failure message.
 */
class MalformedRequestsIntegrationTest extends PlatformIntegrationTest {

    static final long SEED = 20261201L;
    static final int REQUESTS = 3000;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    PostgresStores stores;

    static final List<String> VALUES = List.of(
            "",
            " ",
            "null",
            "0",
            "-1",
            "2147483648",
            "99999999999999999999999",
            "1e400",
            "NaN",
            "-0.0001",
            "19.999",
            "' OR 1=1 --",
            "../../etc/passwd",
            "%00",
            "\u0000",
            "\u202e",
            "💥",
            "Zürich",
            "<script>alert(1)</script>",
            "{}",
            "[]",
            "true",
            "c_AAAAAAAAAAAAAAAAAAAAAA",
            "o_00000000000000000000000000",
            "OUT-TENT-001",
            "HOM-KNIV-001",
            "lower-case-sku",
            "home/kitchen",
            "/",
            "EUR",
            "XXX",
            "eur",
            "tok_declined",
            "search-1",
            "x".repeat(300),
            "y".repeat(70_000));

    static final List<String> PARAMS = List.of(
            "limit",
            "cursor",
            "q",
            "category",
            "minPrice",
            "maxPrice",
            "inStock",
            "sort",
            "merchant",
            "customer",
            "view",
            "key");

    static final List<String> BODY_FIELDS = List.of(
            "sku",
            "title",
            "description",
            "category",
            "price",
            "amount",
            "currency",
            "attributes",
            "merchant",
            "onHand",
            "lowThreshold",
            "quantity",
            "cartId",
            "payment",
            "token",
            "shipTo",
            "status",
            "email",
            "name",
            "country",
            "addresses",
            "role",
            "subject");

    @Test
    void malformed_requests_get_a_4xx_problem_and_write_nothing() throws Exception {
        try (Connection admin = stores.adminConnection()) {
            fuzz(admin);
        }
    }

    void fuzz(Connection admin) throws Exception {
        Random random = new Random(SEED);
        List<String> routes = routes();
        List<String> tokens = new ArrayList<>();
        tokens.add(null);
        tokens.add("not-a-token");
        tokens.add(token("customer", "fuzz-ada", null));
        tokens.add(token("merchant", "fuzz-mo", "casa-bella"));
        tokens.add(token("admin", "fuzz-ops", null));
        List<String> failures = new ArrayList<>();
        Map<String, Long> rows = outboxRows(admin);
        int refusals = 0;
        for (int i = 0; i < REQUESTS && failures.size() < 20; i++) {
            String route = routes.get(random.nextInt(routes.size()));
            String method = route.substring(0, route.indexOf(' '));
            String path = fill(route.substring(route.indexOf(' ') + 1), random) + query(random);
            String token = tokens.get(random.nextInt(tokens.size()));
            Map<String, String> headers = headers(random);
            String body = method.equals("GET") || random.nextInt(10) == 0 ? null : body(random);
            HttpResponse<String> response;
            try {
                response = send(method, path, token, body, headers);
            } catch (IllegalArgumentException e) {
                continue; // a URI or header the client itself refuses to send is no test of the server
            }
            String what = "#" + i + " " + method + " " + abbreviate(path) + " headers=" + headers.keySet() + " body="
                    + abbreviate(String.valueOf(body)) + " -> " + response.statusCode() + " "
                    + abbreviate(response.body());
            int status = response.statusCode();
            if (status >= 500) {
                failures.add(what);
                continue;
            }
            if (status >= 400) {
                refusals++;
                String type = response.headers().firstValue("Content-Type").orElse("");
                if (!type.startsWith("application/problem+json")) {
                    failures.add("not problem+json: " + what);
                }
                Map<String, Long> after = outboxRows(admin);
                if (!after.equals(rows)) {
                    failures.add("a refused request wrote events " + rows + " -> " + after + ": " + what);
                }
                rows = after;
            } else {
                rows = outboxRows(admin);
            }
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
        assertThat(refusals).as("most malformed requests are refused").isGreaterThan(REQUESTS / 2);
        // Nothing half-written either: stock still reconciles with its reservations.
        var reconciliation = send("GET", "/api/v1/inventory/reconciliation", token("admin", "ops", null), null);
        assertThat(json(reconciliation).get("consistent").asBoolean())
                .as(reconciliation.body())
                .isTrue();
    }

    List<String> routes() {
        List<String> routes = new ArrayList<>();
        mappings.getHandlerMethods().keySet().forEach(info -> {
            for (String pattern : info.getPatternValues()) {
                if (pattern.startsWith("/api/v1/")) {
                    info.getMethodsCondition().getMethods().forEach(m -> routes.add(m.name() + " " + pattern));
                }
            }
        });
        routes.sort(String::compareTo);
        return routes;
    }

    static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    static String fill(String pattern, Random random) {
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            // Never a real view's name: a fuzzer that paused or rebuilt a view would disturb other tests.
            String value = m.group(1).equals("view") ? "fuzz-" + random.nextInt(100) : pick(random);
            m.appendReplacement(out, Matcher.quoteReplacement(encode(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    static String query(Random random) {
        if (random.nextBoolean()) {
            return "";
        }
        StringBuilder q = new StringBuilder("?");
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            String name = PARAMS.get(random.nextInt(PARAMS.size()));
            if (name.equals("view") || name.equals("key")) {
                q.append(name).append("=fuzz-").append(random.nextInt(10));
            } else {
                q.append(name).append('=').append(encode(pick(random)));
            }
            q.append('&');
        }
        return q.toString();
    }

    static Map<String, String> headers(Random random) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextInt(3) == 0) {
            headers.put("Idempotency-Key", printable(pick(random)));
        }
        if (random.nextInt(6) == 0) {
            headers.put("If-Match", printable(pick(random)));
        }
        if (random.nextInt(6) == 0) {
            headers.put("If-None-Match", printable(pick(random)));
        }
        if (random.nextInt(6) == 0) {
            headers.put("Mercato-Consistency-Token", printable(pick(random)));
        }
        if (random.nextInt(8) == 0) {
            headers.put(
                    "Content-Type",
                    List.of(
                                    "text/plain",
                                    "application/xml",
                                    "multipart/form-data; boundary=x",
                                    "application/json; charset=latin1")
                            .get(random.nextInt(4)));
        }
        return headers;
    }

    static String body(Random random) {
        return switch (random.nextInt(6)) {
            case 0 ->
                List.of("", "{", "}", "[", "null", "0", "\"text\"", "{\"a\":}", "{'single':1}", "[1,2,3]")
                        .get(random.nextInt(10));
            case 1 -> "[".repeat(5_000) + "]".repeat(5_000);
            case 2 -> mutate(object(random, 2), random);
            default -> object(random, 2);
        };
    }

    /** A JSON object of known field names with values of any type. */
    static String object(Random random, int depth) {
        StringBuilder json = new StringBuilder("{");
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"')
                    .append(BODY_FIELDS.get(random.nextInt(BODY_FIELDS.size())))
                    .append("\":");
            json.append(value(random, depth));
        }
        return json.append('}').toString();
    }

    static String value(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 7 : 5)) {
            case 0 -> "null";
            case 1 -> Long.toString(random.nextLong());
            case 2 ->
                List.of("true", "false", "1e400", "-0", "0.000000001", "2147483648", "-1")
                        .get(random.nextInt(7));
            case 3, 4 -> '"' + escape(pick(random)) + '"';
            case 5 -> object(random, depth - 1);
            default -> "[" + value(random, depth - 1) + "," + value(random, depth - 1) + "]";
        };
    }

    static String mutate(String json, Random random) {
        if (json.isEmpty()) {
            return "{";
        }
        StringBuilder s = new StringBuilder(json);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && !s.isEmpty(); i++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(3)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, "{}[],:\"\\".charAt(random.nextInt(8)));
                default -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
            }
        }
        return s.toString();
    }

    static String pick(Random random) {
        return VALUES.get(random.nextInt(VALUES.size()));
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A header value HTTP allows: visible ASCII, capped. */
    static String printable(String s) {
        String ascii = s.chars()
                .filter(c -> c >= 0x21 && c <= 0x7e)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return ascii.isEmpty() ? "x" : ascii.substring(0, Math.min(ascii.length(), 400));
    }

    static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
