package dev.mercato.cart.store;

import dev.mercato.cart.CartId;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.StoreProbe;
import dev.mercato.plane.events.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * Carts on the DynamoDB API (AWS DynamoDB, ScyllaDB Alternator, ...), one item per cart. Every change is
 * one conditional {@code UpdateItem} on the cart's version, so concurrent writers on any number of
 * machines never lose a line.
 *
 * <p>The outbox lives in the cart item itself, because a cart and its events must be one atomic write
 * and the API's transactions and streams are not everywhere (nor needed): a change appends its events
 * to the item's {@code pending} list in the same update, the relay removes them after publishing with
 * an update conditional on the item not having emitted more meanwhile, and a sparse index on {@code
 * outbox} finds the items that have pending events.
 *
 * <p>{@code expires_at} (epoch seconds) is the table's TTL attribute. The sweeper gets there first with
 * a conditional delete: or, when the cart has events to emit (its {@code cart-expired}) or still to
 * publish, by turning it into a tombstone that holds them, which reads treat as absent and the relay
 * deletes once they are published. A sparse index on {@code owner_open}, sorted by update time, lists a
 * customer's open carts.
 */
public final class DynamoCartStore implements CartStore, StoreProbe {

    private static final Logger log = LoggerFactory.getLogger(DynamoCartStore.class);

    static final String OWNER_INDEX = "owner-open";
    static final String OUTBOX_INDEX = "outbox-pending";
    /** How long a tombstone may wait for the relay before the table's TTL removes it anyway. */
    static final Duration TOMBSTONE_TTL = Duration.ofDays(7);

    private static final String PENDING_SHARD = "pending";
    private static final int SCAN_PAGE = 500;

    private static final String ID = "id";
    private static final Map<String, String> NAMES = Map.of(
            "#v", "ver",
            "#b", "body",
            "#e", "expires_at",
            "#u", "updated_at",
            "#s", "seq",
            "#o", "owner_open",
            "#p", "pending",
            "#pf", "pending_from",
            "#ob", "outbox",
            "#sw", "swept_at");
    private static final String EXPIRED = "#e <= :now AND attribute_not_exists(#sw)";
    private static final String UNCHANGED = "#v = :v AND attribute_not_exists(#sw)";
    private static final String UNCHANGED_AND_EMPTY = UNCHANGED + " AND attribute_not_exists(#p)";
    /** The item emitted nothing since it was read, and nobody removed its pending events meanwhile. */
    private static final String NOTHING_NEW = "#s = :s AND #pf = :pf";
    /** As NOTHING_NEW, and not swept meanwhile: a tombstone is deleted, not left without its index entry. */
    private static final String NOTHING_NEW_LIVE = NOTHING_NEW + " AND attribute_not_exists(#sw)";
    /** A tombstone made for events still pending only while they still are: else it would never be deleted. */
    private static final String UNCHANGED_AND_PENDING = UNCHANGED + " AND attribute_exists(#pf)";

    private static final String REMOVE_ALL = "REMOVE #p, #pf, #ob";
    private static final String KEEP_REST = "SET #p = :rest, #pf = :next";
    /** One element at a time: removing several list indexes in one update is not portable across servers. */
    private static final String REMOVE_HEAD = "REMOVE #p[0] SET #pf = :next";

    private static final String HEAD_IS = "#pf = :pf";
    private static final AttributeValue EMPTY_LIST = AttributeValue.fromL(List.of());
    private static final AttributeValue SHARD = AttributeValue.fromS(PENDING_SHARD);

    private final DynamoDbClient client;
    private final String table;
    private volatile Runnable listener = () -> {};

    DynamoCartStore(DynamoDbClient client, String table) {
        this.client = client;
        this.table = table;
    }

    /** Connects, and creates the table and its indexes when it is missing and the settings allow it. */
    public static DynamoCartStore open(DynamoSettings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(10))
                        .build())
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(30)));
        settings.endpoint().ifPresent(builder::endpointOverride);
        DynamoDbClient client = builder.build();
        try {
            DynamoCartStore store = new DynamoCartStore(client, settings.table());
            store.ensureTable(settings.createTable());
            return store;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static AwsCredentialsProvider credentials(DynamoSettings settings) {
        if (settings.accessKeyId().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(
                AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()));
    }

    // ---- carts

    @Override
    public Optional<StoredCart> read(CartId id, Instant now) {
        Map<String, AttributeValue> item = client.getItem(r -> r.tableName(table)
                        .key(key(id))
                        .consistentRead(true)
                        .projectionExpression("#b, #sw")
                        .expressionAttributeNames(namesIn("#b, #sw")))
                .item();
        return live(id, item, now);
    }

    private static Optional<StoredCart> live(CartId id, Map<String, AttributeValue> item, Instant now) {
        if (item == null || item.isEmpty() || item.containsKey("swept_at") || !item.containsKey("body")) {
            return Optional.empty();
        }
        StoredCart stored = CartCodec.decode(id, item.get("body").b().asByteArrayUnsafe());
        return now.isBefore(stored.cart().expiresAt()) ? Optional.of(stored) : Optional.empty();
    }

    @Override
    public boolean create(StoredCart cart) {
        Map<String, AttributeValue> item = new HashMap<>(key(cart.id()));
        item.put("ver", number(cart.version()));
        item.put("body", body(cart));
        item.put("expires_at", number(RocksCartStore.expirySecond(cart.cart().expiresAt())));
        item.put("updated_at", number(cart.cart().updatedAt().toEpochMilli()));
        item.put("seq", number(cart.lastSequence()));
        if (indexed(cart)) {
            item.put(
                    "owner_open",
                    AttributeValue.fromS(cart.cart().owner().orElseThrow().value()));
        }
        try {
            client.putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(" + ID + ")"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean compareAndSet(long expectedVersion, StoredCart next, List<Event> events) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":expected", number(expectedVersion));
        values.put(":v", number(next.version()));
        values.put(":b", body(next));
        values.put(":e", number(RocksCartStore.expirySecond(next.cart().expiresAt())));
        values.put(":u", number(next.cart().updatedAt().toEpochMilli()));
        values.put(":s", number(next.lastSequence()));
        StringBuilder set = new StringBuilder("SET #v = :v, #b = :b, #e = :e, #u = :u, #s = :s");
        if (indexed(next)) {
            set.append(", #o = :o");
            values.put(
                    ":o", AttributeValue.fromS(next.cart().owner().orElseThrow().value()));
        }
        appendEvents(set, values, events);
        String update = indexed(next) ? set.toString() : set + " REMOVE #o";
        String condition = "#v = :expected AND attribute_not_exists(#sw)";
        try {
            client.updateItem(r -> r.tableName(table)
                    .key(key(next.id()))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(namesIn(update, condition))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
        if (!events.isEmpty()) {
            listener.run();
        }
        return true;
    }

    /** Appends the events to the item's pending list, and puts the item in the outbox index. */
    private static void appendEvents(StringBuilder set, Map<String, AttributeValue> values, List<Event> events) {
        if (events.isEmpty()) {
            return;
        }
        List<AttributeValue> encoded = new ArrayList<>(events.size());
        for (Event e : events) {
            encoded.add(AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(EventBytes.encode(e))));
        }
        set.append(
                ", #p = list_append(if_not_exists(#p, :empty), :events), #pf = if_not_exists(#pf, :pf), #ob = :shard");
        values.put(":empty", EMPTY_LIST);
        values.put(":events", AttributeValue.fromL(encoded));
        values.put(":pf", number(events.getFirst().sequence()));
        values.put(":shard", SHARD);
    }

    @Override
    public List<StoredCart> openCartsOf(CustomerId owner, Instant now) {
        List<StoredCart> open = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(r -> r.tableName(table)
                    .indexName(OWNER_INDEX)
                    .keyConditionExpression("#o = :o")
                    .expressionAttributeNames(namesIn("#o"))
                    .expressionAttributeValues(Map.of(":o", AttributeValue.fromS(owner.value())))
                    .scanIndexForward(false)
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                live(CartId.of(item.get(ID).s()), item, now)
                        .filter(s -> s.cart().isOpen()
                                && s.cart().owner().filter(owner::equals).isPresent())
                        .ifPresent(open::add);
            }
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return open;
    }

    // ---- expiry

    @Override
    public int sweepExpired(Instant now, int limit, Function<StoredCart, List<Event>> farewell) {
        List<Map<String, AttributeValue>> candidates = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = client.scan(r -> r.tableName(table)
                    .filterExpression(EXPIRED)
                    .projectionExpression(ID + ", #b, #pf")
                    .expressionAttributeNames(namesIn(EXPIRED, "#b, #pf"))
                    .expressionAttributeValues(Map.of(":now", number(now.getEpochSecond())))
                    .limit(SCAN_PAGE)
                    .exclusiveStartKey(from));
            candidates.addAll(page.items());
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null && candidates.size() < limit);
        int swept = 0;
        for (Map<String, AttributeValue> item : candidates.subList(0, Math.min(limit, candidates.size()))) {
            if (item.containsKey("body") && sweep(item, now, farewell)) {
                swept++;
            }
        }
        return swept;
    }

    private boolean sweep(Map<String, AttributeValue> item, Instant now, Function<StoredCart, List<Event>> farewell) {
        CartId id = CartId.of(item.get(ID).s());
        StoredCart stored = CartCodec.decode(id, item.get("body").b().asByteArrayUnsafe());
        if (now.isBefore(stored.cart().expiresAt())) {
            return false;
        }
        List<Event> events = farewell.apply(stored);
        AttributeValue version = number(stored.version());
        try {
            if (events.isEmpty() && !item.containsKey("pending_from")) {
                client.deleteItem(r -> r.tableName(table)
                        .key(key(id))
                        .conditionExpression(UNCHANGED_AND_EMPTY)
                        .expressionAttributeNames(namesIn(UNCHANGED_AND_EMPTY))
                        .expressionAttributeValues(Map.of(":v", version)));
                return true;
            }
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":v", version);
            values.put(":now", number(now.getEpochSecond()));
            values.put(":e", number(now.plus(TOMBSTONE_TTL).getEpochSecond()));
            values.put(":s", number(stored.lastSequence() + events.size()));
            StringBuilder set = new StringBuilder("SET #sw = :now, #e = :e, #s = :s");
            appendEvents(set, values, events);
            String update = set + " REMOVE #o";
            String condition = events.isEmpty() ? UNCHANGED_AND_PENDING : UNCHANGED;
            client.updateItem(r -> r.tableName(table)
                    .key(key(id))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeNames(namesIn(update, condition))
                    .expressionAttributeValues(values));
        } catch (ConditionalCheckFailedException e) {
            // Changed since the scan: refreshed, swept by another instance, or its events published (the
            // next sweep then deletes it outright).
            return false;
        }
        if (!events.isEmpty()) {
            listener.run();
        }
        return true;
    }

    // ---- outbox

    /** What one item's pending list looked like when it was read. */
    private record Snapshot(CartId id, List<AttributeValue> pending, long from, long sequence, boolean swept) {

        static Snapshot of(Map<String, AttributeValue> item) {
            if (item == null || !item.containsKey("pending_from") || !item.containsKey("pending")) {
                return null;
            }
            return new Snapshot(
                    CartId.of(item.get(ID).s()),
                    item.get("pending").l(),
                    Long.parseLong(item.get("pending_from").n()),
                    Long.parseLong(item.get("seq").n()),
                    item.containsKey("swept_at"));
        }
    }

    private record Published(Snapshot snapshot, long upTo) {}

    @Override
    public OutboxBatch pending(int limit) {
        List<Event> events = new ArrayList<>();
        List<Published> marks = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = client.query(r -> r.tableName(table)
                    .indexName(OUTBOX_INDEX)
                    .keyConditionExpression("#ob = :shard")
                    .expressionAttributeNames(namesIn("#ob"))
                    .expressionAttributeValues(Map.of(":shard", SHARD))
                    .limit(Math.min(limit, 100))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                Snapshot snapshot = Snapshot.of(item);
                if (snapshot == null) {
                    continue;
                }
                if (snapshot.pending().isEmpty()) {
                    // Emptied one event at a time: take it out of the index (or delete the tombstone) now.
                    remove(snapshot, snapshot.from() - 1);
                    continue;
                }
                long last = snapshot.from() - 1;
                for (AttributeValue value : snapshot.pending()) {
                    Event e = EventBytes.decode(value.b().asByteArrayUnsafe());
                    events.add(e);
                    last = e.sequence();
                }
                marks.add(new Published(snapshot, last));
            }
            start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
        } while (start != null && events.size() < limit);
        return events.isEmpty() ? OutboxBatch.EMPTY : new OutboxBatch(events, List.copyOf(marks));
    }

    @Override
    public void markPublished(OutboxBatch batch) {
        if (!(batch.marker() instanceof List<?> marks)) {
            return;
        }
        for (Object mark : marks) {
            Published p = (Published) mark;
            remove(p.snapshot(), p.upTo());
        }
    }

    /**
     * Removes the item's pending events up to {@code upTo}: in one update conditional on the item having
     * emitted nothing since it was read, which also takes an emptied item out of the outbox index (or
     * deletes a tombstone). A writer appending in between refuses it; after a few refusals the published
     * events are removed one at a time from the head of the list, which appends do not conflict with.
     */
    private void remove(Snapshot snapshot, long upTo) {
        CartId id = snapshot.id();
        Snapshot current = snapshot;
        for (int round = 0; round < 3; round++) {
            if (current == null || (current.from() > upTo && !current.pending().isEmpty())) {
                return; // removed already, by another relay
            }
            try {
                removeAtOnce(current, upTo);
                return;
            } catch (ConditionalCheckFailedException e) {
                current = reread(id);
            }
        }
        while (current != null && current.from() <= upTo && !current.pending().isEmpty()) {
            long from = current.from();
            try {
                client.updateItem(r -> r.tableName(table)
                        .key(key(id))
                        .updateExpression(REMOVE_HEAD)
                        .conditionExpression(HEAD_IS)
                        .expressionAttributeNames(namesIn(REMOVE_HEAD, HEAD_IS))
                        .expressionAttributeValues(Map.of(":pf", number(from), ":next", number(from + 1))));
                List<AttributeValue> pending = current.pending();
                current = new Snapshot(
                        id, pending.subList(1, pending.size()), from + 1, current.sequence(), current.swept());
            } catch (ConditionalCheckFailedException e) {
                current = reread(id); // another relay moved the head
            }
        }
        // An item left with an empty list stays in the outbox index until the next round cleans it up.
    }

    private void removeAtOnce(Snapshot current, long upTo) {
        int done = (int) Math.max(0, Math.min(current.pending().size(), upTo - current.from() + 1));
        List<AttributeValue> rest =
                current.pending().subList(done, current.pending().size());
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":s", number(current.sequence()));
        values.put(":pf", number(current.from()));
        CartId id = current.id();
        if (rest.isEmpty() && current.swept()) {
            client.deleteItem(r -> r.tableName(table)
                    .key(key(id))
                    .conditionExpression(NOTHING_NEW)
                    .expressionAttributeNames(namesIn(NOTHING_NEW))
                    .expressionAttributeValues(values));
        } else if (rest.isEmpty()) {
            client.updateItem(r -> r.tableName(table)
                    .key(key(id))
                    .updateExpression(REMOVE_ALL)
                    .conditionExpression(NOTHING_NEW_LIVE)
                    .expressionAttributeNames(namesIn(REMOVE_ALL, NOTHING_NEW_LIVE))
                    .expressionAttributeValues(values));
        } else {
            values.put(":rest", AttributeValue.fromL(List.copyOf(rest)));
            values.put(":next", number(current.from() + done));
            client.updateItem(r -> r.tableName(table)
                    .key(key(id))
                    .updateExpression(KEEP_REST)
                    .conditionExpression(NOTHING_NEW)
                    .expressionAttributeNames(namesIn(KEEP_REST, NOTHING_NEW))
                    .expressionAttributeValues(values));
        }
    }

    private Snapshot reread(CartId id) {
        return Snapshot.of(client.getItem(r -> r.tableName(table)
                        .key(key(id))
                        .consistentRead(true)
                        .projectionExpression(ID + ", #p, #pf, #s, #sw")
                        .expressionAttributeNames(namesIn("#p, #pf, #s, #sw")))
                .item());
    }

    @Override
    public void onAppend(Runnable listener) {
        this.listener = listener;
    }

    // ---- table

    void ensureTable(boolean create) {
        TableDescription table;
        try {
            table = describe();
        } catch (ResourceNotFoundException e) {
            if (!create) {
                throw new IllegalStateException("The cart table " + this.table + " does not exist. Create it (see "
                        + DynamoCartStore.class.getName() + ") or set mercato.cart.dynamodb.create-table=true");
            }
            createTable();
            table = awaitActive();
        }
        if (table.tableStatus() != TableStatus.ACTIVE) {
            table = awaitActive();
        }
        if (create) {
            enableTimeToLive();
        }
        log.info("Carts are in DynamoDB table {} ({})", this.table, table.tableStatus());
    }

    private TableDescription describe() {
        return client.describeTable(r -> r.tableName(table)).table();
    }

    private void createTable() {
        try {
            client.createTable(r -> r.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            attribute(ID, ScalarAttributeType.S),
                            attribute("owner_open", ScalarAttributeType.S),
                            attribute("updated_at", ScalarAttributeType.N),
                            attribute("outbox", ScalarAttributeType.S))
                    .keySchema(keyElement(ID, KeyType.HASH))
                    .globalSecondaryIndexes(
                            GlobalSecondaryIndex.builder()
                                    .indexName(OWNER_INDEX)
                                    .keySchema(
                                            keyElement("owner_open", KeyType.HASH),
                                            keyElement("updated_at", KeyType.RANGE))
                                    .projection(Projection.builder()
                                            .projectionType(ProjectionType.ALL)
                                            .build())
                                    .build(),
                            GlobalSecondaryIndex.builder()
                                    .indexName(OUTBOX_INDEX)
                                    .keySchema(keyElement("outbox", KeyType.HASH))
                                    .projection(Projection.builder()
                                            .projectionType(ProjectionType.INCLUDE)
                                            .nonKeyAttributes("pending", "pending_from", "seq", "swept_at")
                                            .build())
                                    .build()));
            log.info("Created the DynamoDB cart table {}", table);
        } catch (ResourceInUseException e) {
            // Another instance created it at the same moment.
        }
    }

    private TableDescription awaitActive() {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            TableDescription d = describe();
            if (d.tableStatus() == TableStatus.ACTIVE) {
                return d;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "The cart table " + table + " is still " + d.tableStatus() + " after two minutes");
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    /**
     * Lets the table delete expired items itself, as a backstop to the sweeper. Not every DynamoDB API
     * server has TTL: without it the sweeper alone deletes expired carts, which is enough.
     */
    private void enableTimeToLive() {
        try {
            TimeToLiveStatus status = client.describeTimeToLive(r -> r.tableName(table))
                    .timeToLiveDescription()
                    .timeToLiveStatus();
            if (status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING) {
                return;
            }
            client.updateTimeToLive(r -> r.tableName(table)
                    .timeToLiveSpecification(t -> t.attributeName("expires_at").enabled(true)));
            log.info("Enabled time to live on expires_at for the DynamoDB cart table {}", table);
        } catch (SdkException e) {
            log.info(
                    "Could not enable time to live on the DynamoDB cart table {} ({}); the sweeper still deletes"
                            + " expired carts",
                    table,
                    e.getMessage());
        }
    }

    @Override
    public String name() {
        return "dynamodb";
    }

    @Override
    public Result check() {
        try {
            TableDescription d = describe();
            return Result.up(Map.of(
                    "table",
                    table,
                    "status",
                    String.valueOf(d.tableStatus()),
                    "itemCount",
                    d.itemCount() == null ? 0L : d.itemCount()));
        } catch (SdkException e) {
            return Result.down(Map.of("table", table, "error", String.valueOf(e.getMessage())));
        }
    }

    @Override
    public void close() {
        client.close();
    }

    // ---- helpers

    private static boolean indexed(StoredCart stored) {
        return stored.cart().owner().isPresent() && stored.cart().isOpen();
    }

    private static Map<String, AttributeValue> key(CartId id) {
        return Map.of(ID, AttributeValue.fromS(id.value()));
    }

    private static AttributeValue body(StoredCart cart) {
        return AttributeValue.fromB(SdkBytes.fromByteArrayUnsafe(CartCodec.encode(cart)));
    }

    private static AttributeValue number(long n) {
        return AttributeValue.fromN(Long.toString(n));
    }

    private static final Pattern PLACEHOLDER = Pattern.compile("#[a-z]+");

    /** The attribute names the expressions use: the API refuses names an expression does not use. */
    private static Map<String, String> namesIn(String... expressions) {
        Map<String, String> m = new HashMap<>();
        for (String expression : expressions) {
            Matcher matcher = PLACEHOLDER.matcher(expression);
            while (matcher.find()) {
                m.put(matcher.group(), NAMES.get(matcher.group()));
            }
        }
        return m;
    }

    private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
        return AttributeDefinition.builder()
                .attributeName(name)
                .attributeType(type)
                .build();
    }

    private static KeySchemaElement keyElement(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
