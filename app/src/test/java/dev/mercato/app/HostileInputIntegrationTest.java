package dev.mercato.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mercato.app.HostileValues.Json;
import dev.mercato.app.HostileValues.Param;
import dev.mercato.app.OpenApiOperations.Operation;
import dev.mercato.app.OpenApiOperations.Slot;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.postgres.PostgresStores;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every input the served OpenAPI document declares — each operation's path, query and header parameters
 * and every field of its JSON body, nested ones included — gets each value of a dictionary of hostile
 * values, in an otherwise valid request (real ids of the fuzzer's own product, cart and order), as every
 * kind of caller that gets past authentication, and as one that does not. Whole bodies are mutated too
 * (empty, not JSON, truncated, wrong media type, over the size limit, sent with a length or chunked).
 * No answer may be a 5xx; every 4xx is a problem document with a {@code type}; a refused request writes
 * nothing. Seeded ({@code -Dfuzz.seed=}): the seed and the request are in every failure message.
 */
class HostileInputIntegrationTest extends PlatformIntegrationTest {

    static final long SEED = Long.getLong("fuzz.seed", 20261204L);

    /** Over the platform's body limit (1 MiB by default), and under Tomcat's swallow limit (2 MiB). */
    static final int OVERSIZED = 1_300_000;

    static final String PLACEHOLDER = "@@fuzz-placeholder@@";

    enum Kind {
        ANONYMOUS,
        CUSTOMER,
        MERCHANT,
        OTHER_MERCHANT,
        ADMIN
    }

    record Request(
            Kind caller,
            String method,
            String path,
            Map<String, String> headers,
            byte[] body,
            boolean chunked,
            String what) {

        String describe(long seed) {
            String text = body == null ? "none" : abbreviate(new String(body, StandardCharsets.UTF_8));
            return "seed " + seed + ": " + what + " as " + caller + ": " + method + " " + abbreviate(path) + " headers="
                    + headers.keySet() + (chunked ? " chunked" : "") + " body=" + text;
        }
    }

    @Autowired
    PostgresStores stores;

    final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    final Map<Kind, String> tokens = new EnumMap<>(Kind.class);
    final Map<String, String> fixtures = new HashMap<>();

    @Test
    void no_declared_input_gets_a_5xx_and_a_refused_request_writes_nothing() throws Exception {
        long started = System.nanoTime();
        Random random = new Random(SEED);
        var served = send("GET", "/api/v1/openapi.json", null, null);
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        document = new OpenApiOperations(json(served));
        List<Operation> operations = document.operations();
        assertThat(operations).as("operations in the served document").hasSizeGreaterThan(30);

        fixtures();
        List<Request> requests = new ArrayList<>();
        Map<String, Set<Kind>> deep = new TreeMap<>();
        for (Operation op : operations) {
            EnumSet<Kind> past = pastAuthentication(op, random);
            deep.put(op.toString(), past);
            List<Kind> shallow = new ArrayList<>(EnumSet.complementOf(past));
            for (Request r : cases(op, random)) {
                List<Kind> as = new ArrayList<>(past);
                // A caller refused at the door sees none of the input: a sample of the cases checks the door.
                if (!shallow.isEmpty() && random.nextInt(5) == 0) {
                    as.add(shallow.get(random.nextInt(shallow.size())));
                }
                for (Kind kind : as) {
                    requests.add(new Request(kind, r.method, r.path, r.headers, r.body, r.chunked, r.what));
                }
            }
        }
        Collections.shuffle(requests, random);

        Failures failures = new Failures();
        int skipped = 0;
        try (Connection admin = stores.adminConnection()) {
            Map<String, Long> written = outboxPositions(admin);
            for (int i = 0; i < requests.size(); i++) {
                Request r = requests.get(i);
                HttpResponse<String> response;
                try {
                    response = exchange(r);
                } catch (IllegalArgumentException e) {
                    skipped++; // a header value the HTTP client itself will not send is no test of the server
                    continue;
                } catch (IOException e) {
                    failures.add(r, "no answer", "no answer (" + e + ") to #" + i + " " + r.describe(SEED));
                    continue;
                }
                int status = response.statusCode();
                String answer = " -> " + status + " " + abbreviate(response.body());
                if (status >= 500) {
                    failures.add(r, Integer.toString(status), "#" + i + " " + r.describe(SEED) + answer);
                    written = outboxPositions(admin);
                } else if (status >= 400) {
                    String problem = problemType(response);
                    if (problem != null) {
                        failures.add(r, problem, problem + ": #" + i + " " + r.describe(SEED) + answer);
                    }
                    Map<String, Long> after = outboxPositions(admin);
                    if (!after.equals(written) && wroteWhenReplayed(r, admin)) {
                        failures.add(
                                r,
                                "wrote",
                                "a refused request wrote events " + written + " -> " + after + ": #" + i + " "
                                        + r.describe(SEED) + answer);
                    }
                    written = outboxPositions(admin);
                } else {
                    written = outboxPositions(admin);
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf(
                "Hostile input: %d operations, %d requests (%d the client would not send) in %d s, seed %d;"
                        + " unresolved references skipped: %s%n",
                operations.size(),
                requests.size(),
                skipped,
                took.toSeconds(),
                SEED,
                new TreeSet<>(document.unresolved()));
        // The whole list, for a reader of a failing build: the assertion message shows it too, but cut.
        Files.write(Path.of("target", "hostile-input-failures.txt"), failures.examples());
        assertThat(failures.examples())
                .as("seed " + SEED + ": " + failures.count() + " of " + requests.size()
                        + " requests failed; one example of each operation, input and outcome")
                .isEmpty();
        // Every operation was reached by a caller that got past authentication, so its inputs were read.
        assertThat(deep).allSatisfy((op, kinds) -> assertThat(kinds).as(op).isNotEmpty());
        // Nothing half-written either: stock still reconciles with its reservations.
        var reconciliation = send("GET", "/api/v1/inventory/reconciliation", tokens.get(Kind.ADMIN), null);
        assertThat(json(reconciliation).get("consistent").asBoolean())
                .as(reconciliation.body())
                .isTrue();
    }

    /** Failures grouped by operation, input and outcome, so one class of defect shows once, with its count. */
    static final class Failures {
        private final Map<String, String> first = new TreeMap<>();
        private final Map<String, Integer> counts = new TreeMap<>();
        private int count;

        void add(Request r, String outcome, String message) {
            String key = r.what + " -> " + outcome;
            first.putIfAbsent(key, message);
            counts.merge(key, 1, Integer::sum);
            count++;
        }

        int count() {
            return count;
        }

        List<String> examples() {
            return first.entrySet().stream()
                    .map(e -> "(" + counts.get(e.getKey()) + "x) " + e.getValue())
                    .toList();
        }
    }

    // --- the fuzzer's own data: every valid id an otherwise-valid request needs ---

    void fixtures() throws Exception {
        tokens.put(Kind.CUSTOMER, token("customer", "fuzz-ada", null));
        tokens.put(Kind.MERCHANT, token("merchant", "fuzz-mo", "casa-bella"));
        tokens.put(Kind.OTHER_MERCHANT, token("merchant", "fuzz-nw", "north-wind"));
        tokens.put(Kind.ADMIN, token("admin", "fuzz-ops", null));
        String merchant = tokens.get(Kind.MERCHANT);
        String customer = tokens.get(Kind.CUSTOMER);
        String sku = "FUZZ-TEAPOT-1";
        ok(send(
                "POST",
                "/api/v1/products",
                merchant,
                "{\"sku\":\"" + sku + "\",\"title\":\"Fuzz teapot\",\"category\":\"home/fuzz\","
                        + "\"price\":{\"amount\":\"12.50\",\"currency\":\"EUR\"}}"));
        ok(send("PUT", "/api/v1/inventory/" + sku, merchant, "{\"onHand\":100000}"));
        ok(send(
                "PUT",
                "/api/v1/customers/me",
                customer,
                "{\"email\":\"fuzz-ada@example.com\",\"name\":\"Ada Fuzz\",\"country\":\"DE\"}"));
        fixtures.put("sku", sku);
        String ordered = cart(customer, sku);
        var order = ok(send(
                "POST",
                "/api/v1/orders",
                customer,
                "{\"cartId\":\"" + ordered + "\"}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString())));
        fixtures.put("order", json(order).get("id").asString());
        fixtures.put("cart", cart(customer, sku));
        fixtures.put("checkoutCart", cart(customer, sku));
        fixtures.put(
                "anonymousCart",
                json(ok(send("POST", "/api/v1/carts", null, "{}"))).get("id").asString());
        JsonNode ledger = json(ok(send("GET", "/api/v1/payments/ledger?limit=1", tokens.get(Kind.ADMIN), null)));
        fixtures.put("payment", ledger.path("items").path(0).path("payment").asString("pay_unknown"));
    }

    String cart(String customer, String sku) throws Exception {
        String id = json(ok(send("POST", "/api/v1/carts", customer, "{}")))
                .get("id")
                .asString();
        ok(send("PUT", "/api/v1/carts/" + id + "/items/" + sku, customer, "{\"quantity\":1}"));
        return id;
    }

    static HttpResponse<String> ok(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response;
    }

    /** A path parameter's valid value: the fuzzer's own resources, never a real view (it would disturb others). */
    String validPathValue(String template, String name) {
        return switch (name) {
            case "sku" -> fixtures.get("sku");
            case "view" -> "fuzz-view";
            case "name" -> "daily-sales";
            case "id" -> {
                if (template.startsWith("/api/v1/carts/{id}/merge")) {
                    yield fixtures.get("anonymousCart");
                } else if (template.startsWith("/api/v1/carts")) {
                    yield fixtures.get("cart");
                } else if (template.startsWith("/api/v1/orders")) {
                    yield fixtures.get("order");
                } else if (template.startsWith("/api/v1/payments")) {
                    yield fixtures.get("payment");
                } else if (template.startsWith("/api/v1/customers")) {
                    yield "fuzz-ada";
                }
                yield "1";
            }
            default -> "fuzz";
        };
    }

    /** A body field's valid value, by its name; null leaves the field out of the valid body. */
    JsonNode validField(String name, String type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (name) {
            case "sku" -> f.stringNode(fixtures.get("sku"));
            case "title" -> f.stringNode("Fuzz teapot");
            case "description" -> f.stringNode("A teapot the fuzzer keeps");
            case "category" -> f.stringNode("home/fuzz");
            case "amount" -> f.stringNode("12.50");
            case "currency" -> f.stringNode("EUR");
            case "onHand" -> f.numberNode(100_000);
            case "lowThreshold" -> f.numberNode(2);
            case "quantity" -> f.numberNode(1);
            case "cartId" -> f.stringNode(fixtures.get("checkoutCart"));
            case "token" -> f.stringNode("tok_visa");
            case "email" -> f.stringNode("fuzz-ada@example.com");
            case "name" -> f.stringNode("Ada Fuzz");
            case "country" -> f.stringNode("DE");
            case "label" -> f.stringNode("home");
            case "line1" -> f.stringNode("1 Fuzz Street");
            case "city" -> f.stringNode("Berlin");
            case "postalCode" -> f.stringNode("10115");
            case "status" -> f.stringNode("picked");
            case "carrier" -> f.stringNode("DHL");
            case "trackingNumber" -> f.stringNode("FUZZ123");
            case "role" -> f.stringNode("customer");
            case "subject" -> f.stringNode("fuzz-issued");
            case "sql" -> f.stringNode("SELECT 1");
            case "fuzz-key" -> f.stringNode("red");
            default -> null;
        };
    }

    JsonNode validBody(OpenApiOperations document, JsonNode schema, int depth) {
        JsonNode s = document.resolve(schema);
        if (s == null || depth > 6) {
            return null;
        }
        String type = OpenApiOperations.type(s);
        if (type.equals("array")) {
            JsonNode item = validBody(document, s.get("items"), depth + 1);
            ArrayNode array = JsonNodeFactory.instance.arrayNode();
            return item == null ? array : array.add(item);
        }
        if (!type.equals("object")) {
            return null;
        }
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> property : s.path("properties").properties()) {
            JsonNode p = document.resolve(property.getValue());
            String t = p == null ? "" : OpenApiOperations.type(p);
            JsonNode value = t.equals("object") || t.equals("array")
                    ? validBody(document, property.getValue(), depth + 1)
                    : validField(property.getKey(), t);
            if (value != null) {
                object.set(property.getKey(), value);
            }
        }
        return object;
    }

    // --- the cases of one operation ---

    OpenApiOperations document;

    List<Request> cases(Operation op, Random random) {
        List<Request> cases = new ArrayList<>();
        ObjectNode valid = validBodyOf(op);
        for (Slot slot : op.slots()) {
            if (slot.inBody()) {
                for (Json value : HostileValues.json()) {
                    byte[] body = withValue(valid, slot, value);
                    if (body != null) {
                        cases.add(request(
                                op, slot.label() + " = " + value.label(), Map.of(), Map.of(), body, false, random));
                    }
                }
            } else {
                for (Param value : HostileValues.params()) {
                    String what = slot.label() + " = " + value.label();
                    switch (slot.in()) {
                        case "path" ->
                            cases.add(request(
                                    op,
                                    what,
                                    Map.of(slot.name(), value.encoded()),
                                    Map.of(),
                                    body(valid),
                                    false,
                                    random));
                        case "header" ->
                            cases.add(request(
                                    op,
                                    what,
                                    Map.of(),
                                    Map.of(slot.name(), decode(value.encoded())),
                                    body(valid),
                                    false,
                                    random));
                        default ->
                            cases.add(request(
                                    op,
                                    what,
                                    Map.of("?" + slot.name(), value.encoded()),
                                    Map.of(),
                                    body(valid),
                                    false,
                                    random));
                    }
                }
            }
        }
        if (!op.method().equals("GET") && !op.method().equals("HEAD")) {
            byte[] json = body(valid) == null ? "{}".getBytes(StandardCharsets.UTF_8) : body(valid);
            for (Json mutation : HostileValues.bodies(json)) {
                cases.add(
                        request(op, "body = " + mutation.label(), Map.of(), Map.of(), mutation.bytes(), false, random));
            }
            for (String media : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
                cases.add(request(
                        op, "content type " + media, Map.of(), Map.of("Content-Type", media), json, false, random));
            }
            byte[] oversized = ("{\"pad\":\"" + "x".repeat(OVERSIZED) + "\"}").getBytes(StandardCharsets.UTF_8);
            cases.add(request(op, "body over the limit", Map.of(), Map.of(), oversized, false, random));
            cases.add(request(op, "chunked body over the limit", Map.of(), Map.of(), oversized, true, random));
        }
        return cases;
    }

    ObjectNode validBodyOf(Operation op) {
        if (!op.takesJson()) {
            return null;
        }
        JsonNode body = validBody(document, op.body(), 0);
        return body instanceof ObjectNode o ? o : JsonNodeFactory.instance.objectNode();
    }

    static byte[] body(ObjectNode valid) {
        return valid == null ? null : EventJson.mapper().writeValueAsBytes(valid);
    }

    /** The valid body with the slot's value replaced by raw JSON (or the field given twice). */
    byte[] withValue(ObjectNode valid, Slot slot, Json value) {
        List<Object> path = slot.bodyPath();
        if (path.isEmpty()) {
            return value == HostileValues.DUPLICATE ? null : value.bytes();
        }
        Object last = path.getLast();
        if (value == HostileValues.DUPLICATE && !(last instanceof String)) {
            return null;
        }
        ObjectNode copy = valid.deepCopy();
        JsonNode parent = copy;
        for (int i = 0; i < path.size() - 1; i++) {
            Object step = path.get(i);
            boolean nextIsIndex = path.get(i + 1) instanceof Integer;
            JsonNode child = step instanceof String name ? parent.get(name) : parent.get((Integer) step);
            if (child == null || !(child.isObject() || child.isArray())) {
                child = nextIsIndex ? JsonNodeFactory.instance.arrayNode() : JsonNodeFactory.instance.objectNode();
                if (step instanceof String name) {
                    ((ObjectNode) parent).set(name, child);
                } else {
                    ArrayNode array = (ArrayNode) parent;
                    if (array.isEmpty()) {
                        array.add(child);
                    } else {
                        array.set(0, child);
                    }
                }
            }
            parent = child;
        }
        JsonNode before = last instanceof String name ? parent.get(name) : parent.get((Integer) last);
        JsonNode marker = JsonNodeFactory.instance.stringNode(PLACEHOLDER);
        if (last instanceof String name && parent instanceof ObjectNode o) {
            o.set(name, marker);
        } else if (parent instanceof ArrayNode array) {
            if (array.isEmpty()) {
                array.add(marker);
            } else {
                array.set(0, marker);
            }
        } else {
            return null;
        }
        String text = EventJson.write(copy);
        String quoted = "\"" + PLACEHOLDER + "\"";
        byte[] fragment = value.bytes();
        if (value == HostileValues.DUPLICATE) {
            String first = before == null ? "\"first\"" : EventJson.write(before);
            String second = before != null && before.isNumber() ? "3" : "\"second\"";
            fragment = (first + ",\"" + last + "\":" + second).getBytes(StandardCharsets.UTF_8);
        }
        int at = text.indexOf(quoted);
        byte[] head = text.substring(0, at).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(at + quoted.length()).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + fragment.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(fragment, 0, out, head.length, fragment.length);
        System.arraycopy(tail, 0, out, head.length + fragment.length, tail.length);
        return out;
    }

    Request request(
            Operation op,
            String what,
            Map<String, String> params,
            Map<String, String> headers,
            byte[] body,
            boolean chunked,
            Random random) {
        StringBuilder path = new StringBuilder();
        String template = op.template();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0) {
                path.append(template, i, template.length());
                break;
            }
            int close = template.indexOf('}', open);
            String name = template.substring(open + 1, close);
            path.append(template, i, open);
            path.append(params.containsKey(name) ? params.get(name) : encode(validPathValue(template, name)));
            i = close + 1;
        }
        params.forEach((name, value) -> {
            if (name.startsWith("?")) {
                path.append('?').append(name.substring(1)).append('=').append(value);
            }
        });
        Map<String, String> all = new LinkedHashMap<>();
        for (Slot slot : op.slots()) {
            if (slot.in().equals("header") && slot.name().equalsIgnoreCase("Idempotency-Key")) {
                all.put(slot.name(), new UUID(random.nextLong(), random.nextLong()).toString());
            }
        }
        all.putAll(headers);
        return new Request(Kind.ANONYMOUS, op.method(), path.toString(), all, body, chunked, op + " " + what);
    }

    /** Which callers a valid request of this operation gets past authentication and role checks with. */
    EnumSet<Kind> pastAuthentication(Operation op, Random random) throws Exception {
        EnumSet<Kind> past = EnumSet.noneOf(Kind.class);
        Request valid = request(op, "valid", Map.of(), Map.of(), body(validBodyOf(op)), false, random);
        for (Kind kind : Kind.values()) {
            HttpResponse<String> response =
                    exchange(new Request(kind, valid.method, valid.path, valid.headers, valid.body, false, valid.what));
            if (response.statusCode() != 401 && response.statusCode() != 403) {
                past.add(kind);
            }
        }
        return past;
    }

    HttpResponse<String> exchange(Request r) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher;
        if (r.body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else if (r.chunked) {
            publisher = HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(r.body));
        } else {
            publisher = HttpRequest.BodyPublishers.ofByteArray(r.body);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path))
                .timeout(Duration.ofSeconds(60))
                .method(r.method, publisher);
        if (r.body != null && !r.headers.containsKey("Content-Type")) {
            builder.header("Content-Type", "application/json");
        }
        String token = tokens.get(r.caller);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        r.headers.forEach(builder::header);
        return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Null when the refusal is a problem document with a type; otherwise what is wrong with it. */
    static String problemType(HttpResponse<String> response) {
        String media = response.headers().firstValue("Content-Type").orElse("");
        if (!media.startsWith("application/problem+json")) {
            return "not problem+json (" + media + ")";
        }
        try {
            JsonNode problem = EventJson.tree(response.body());
            return problem.path("type").isString() ? null : "a problem without a type";
        } catch (RuntimeException e) {
            return "a problem that is not JSON";
        }
    }

    /**
     * The outbox moved while a request was refused: the platform's own consumers also write events (a pick
     * list for an order placed a moment ago). Let them finish, then send the refused request again: it
     * wrote if the outbox moves again while nothing else is running.
     */
    boolean wroteWhenReplayed(Request r, Connection admin) throws Exception {
        quiesce(admin);
        Map<String, Long> before = outboxPositions(admin);
        HttpResponse<String> again = exchange(r);
        if (again.statusCode() < 400) {
            return false; // the state it was refused in is gone; another case covers it
        }
        return !outboxPositions(admin).equals(before);
    }

    /** Until no outbox holds unpublished events and no running view has any lag, within ten seconds. */
    void quiesce(Connection admin) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String ops = tokens.get(Kind.ADMIN);
        while (System.nanoTime() < deadline) {
            JsonNode outbox = json(send("GET", "/api/v1/plane/outbox", ops, null));
            JsonNode views = json(send("GET", "/api/v1/plane/views", ops, null));
            boolean published = true;
            for (JsonNode o : outbox.path("items")) {
                published &= o.path("unpublished").asLong() == 0;
            }
            boolean applied = true;
            for (JsonNode v : views.path("items")) {
                applied &= !v.path("state").asString().equals("running")
                        || v.path("lagEvents").asLong() == 0;
            }
            Map<String, Long> a = outboxPositions(admin);
            if (published && applied && a.equals(outboxPositions(admin))) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A percent-encoded value as the bytes it stands for, each byte one header character. */
    static String decode(String encoded) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                out.append((char) Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "...(" + s.length() + " chars)" : s;
    }
}
