package dev.mercato.orders.domain;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartLine;
import dev.mercato.cart.Carts;
import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerProfile;
import dev.mercato.customers.Customers;
import dev.mercato.inventory.Inventory;
import dev.mercato.inventory.Reservation;
import dev.mercato.inventory.ReservationId;
import dev.mercato.orders.CheckoutRequest;
import dev.mercato.orders.CheckoutResponse;
import dev.mercato.orders.Order;
import dev.mercato.orders.OrderDocument;
import dev.mercato.orders.OrderId;
import dev.mercato.orders.OrderStatus;
import dev.mercato.orders.domain.CheckoutFaults.Point;
import dev.mercato.orders.store.CheckoutRecord;
import dev.mercato.orders.store.CheckoutRecord.State;
import dev.mercato.orders.store.JdbcOrders;
import dev.mercato.orders.store.Plan;
import dev.mercato.payments.Authorization;
import dev.mercato.payments.PaymentId;
import dev.mercato.payments.PaymentIntent;
import dev.mercato.payments.PaymentUnavailable;
import dev.mercato.payments.Payments;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.Unavailable;
import dev.mercato.plane.admission.AdmissionLimiter;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.web.Problems;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;

/**
 * Checkout as an orchestrated saga. Every step is a local transaction in the capability that owns it, and
 * every step is idempotent under the checkout's id (which is also the order's, the reservation's and the
 * payment's), so running a checkout again from its record, after a crash or beside a concurrent run,
 * repeats nothing:
 *
 * <ol>
 *   <li>record the checkout with its plan (prices re-read from the catalog) — the idempotency record;
 *   <li>reserve the stock, with an expiry;
 *   <li>authorize the payment;
 *   <li>confirm the reservation — refused if the hold expired meanwhile; from here on only forward;
 *   <li>convert the cart;
 *   <li>place the order, its event and the stored answer in one transaction.
 * </ol>
 *
 * A refusal is stored as the answer first, then compensated (authorization voided, stock released), so a
 * crash during compensation is finished by recovery and the client's retry already gets the refusal.
 *
 * <p>Before step 1 a request must find a place among the checkouts running ({@link CheckoutAdmission}):
 * beyond capacity it is refused within a few milliseconds, having read no store, instead of queueing for
 * pooled connections halfway through its steps. Recovery runs outside that limit: it is one thread per
 * instance, finishing checkouts already started.
 */
public final class CheckoutSaga {

    private static final Logger log = LoggerFactory.getLogger(CheckoutSaga.class);
    private static final String ACTOR = "checkout";
    /** The largest total the orders table holds (numeric(14, 4)). */
    static final BigDecimal MAX_TOTAL = new BigDecimal("9999999999.9999");

    private final JdbcOrders orders;
    private final Carts carts;
    private final Catalog catalog;
    private final Inventory inventory;
    private final Payments payments;
    private final Customers customers;
    private final OrdersSettings settings;
    private final Clock clock;
    private final CheckoutFaults faults;
    private final CheckoutAdmission admission;
    private final Map<OrderId, CompletableFuture<CheckoutResponse>> running = new ConcurrentHashMap<>();

    public CheckoutSaga(
            JdbcOrders orders,
            Carts carts,
            Catalog catalog,
            Inventory inventory,
            Payments payments,
            Customers customers,
            OrdersSettings settings,
            Clock clock,
            CheckoutFaults faults,
            CheckoutAdmission admission) {
        this.orders = orders;
        this.carts = carts;
        this.catalog = catalog;
        this.inventory = inventory;
        this.payments = payments;
        this.customers = customers;
        this.settings = settings;
        this.clock = clock;
        this.faults = faults;
        this.admission = admission;
    }

    /**
     * Checks a cart out, once admitted: a request that finds no place among the checkouts running
     * ({@link CheckoutAdmission}) within the admission wait is refused before any store is read, with nothing
     * recorded, so its key starts afresh when retried. A key already decided still gets its stored answer.
     */
    public CheckoutResponse checkout(CheckoutRequest request) {
        String fingerprint = fingerprint(request);
        Optional<AdmissionLimiter.Slot> place = admission.checkouts().tryEnter();
        if (place.isEmpty()) {
            return decided(request, fingerprint).orElseThrow(this::overloaded);
        }
        try (AdmissionLimiter.Slot admitted = place.get()) {
            return admitted(request, fingerprint, admitted);
        }
    }

    private CheckoutResponse admitted(CheckoutRequest request, String fingerprint, AdmissionLimiter.Slot admitted) {
        String customer = request.customer().value();
        Optional<CheckoutRecord> existing = orders.checkout(customer, request.idempotencyKey());
        if (existing.isPresent()) {
            // A retry reads, or waits for, the first request's answer: it runs no step, so it gives its place
            // to a checkout that does.
            admitted.close();
            return replay(existing.get(), fingerprint);
        }
        Plan plan = plan(request);
        OrderId id = OrderId.next(clock.instant());
        boolean started;
        try {
            started = orders.start(id, customer, request.idempotencyKey(), fingerprint, plan, settings.lease());
        } catch (DuplicateKeyException e) {
            // The partial unique index: another checkout of this cart is running or placed its order.
            throw new Conflict(
                    "cart-checkout-in-progress",
                    "Another checkout of cart " + request.cartId() + " is running or has placed its order",
                    Map.of("cartId", request.cartId().value()));
        }
        if (!started) {
            admitted.close();
            return replay(orders.checkout(customer, request.idempotencyKey()).orElseThrow(), fingerprint);
        }
        CompletableFuture<CheckoutResponse> done = new CompletableFuture<>();
        running.put(id, done);
        try {
            CheckoutResponse response = run(new CheckoutRecord(
                    id,
                    customer,
                    request.idempotencyKey(),
                    fingerprint,
                    plan,
                    CheckoutRecord.State.STARTED,
                    Optional.empty(),
                    1));
            done.complete(response);
            return response;
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(id);
        }
    }

    /**
     * Marks the cart checked out. The order does not depend on it: stock is held and payment authorized by
     * now, and the plan recorded what was bought. So a cart that is gone (expired, or kept in another
     * instance's local cart store when that instance's checkout is recovered here) or that changed state
     * meanwhile (an anonymous cart merged into the customer's when they logged in during checkout) does not
     * stop the order: refusing here would leave the checkout retried forever with its stock held and its
     * payment authorized. The checkout record's one-live-checkout-per-cart index still keeps the cart from
     * being ordered twice.
     */
    private void convertCart(Plan plan, OrderId id) {
        try {
            carts.convert(dev.mercato.cart.CartId.of(plan.cartId()), id.value());
        } catch (NotFound gone) {
            log.info(
                    "Checkout {}: cart {} is not in this instance's cart store; placing the order anyway",
                    id,
                    plan.cartId());
        } catch (Conflict changed) {
            log.info(
                    "Checkout {}: cart {} cannot be converted ({}); placing the order from its plan anyway",
                    id,
                    plan.cartId(),
                    changed.type());
        }
    }

    /**
     * For a request refused at the door: the stored answer when its key was decided already (one read, through
     * the replay lane, which refuses rather than waits), else empty. A key still running, or unknown, or a
     * read that fails or finds no free lane, is refused like any other request beyond capacity.
     */
    private Optional<CheckoutResponse> decided(CheckoutRequest request, String fingerprint) {
        Optional<AdmissionLimiter.Slot> lane = admission.replays().tryEnter();
        if (lane.isEmpty()) {
            return Optional.empty();
        }
        Optional<CheckoutRecord> record;
        try (AdmissionLimiter.Slot reading = lane.get()) {
            record = orders.checkout(request.customer().value(), request.idempotencyKey());
        } catch (DataAccessException e) {
            log.debug("Replay lookup for a refused checkout failed: {}", e.toString());
            return Optional.empty();
        }
        if (record.isEmpty() || record.get().response().isEmpty()) {
            return Optional.empty();
        }
        requireSameRequest(record.get(), fingerprint);
        return Optional.of(record.get().response().get().asReplay());
    }

    private Unavailable overloaded() {
        return new Unavailable(
                "checkout-overloaded",
                "Too many checkouts are in progress right now; this one was not started and nothing was recorded,"
                        + " held or charged. Retry after the Retry-After delay with the same Idempotency-Key.",
                Duration.ofSeconds(1));
    }

    private static void requireSameRequest(CheckoutRecord record, String fingerprint) {
        if (!record.fingerprint().equals(fingerprint)) {
            throw new Conflict(
                    "idempotency-key-reused",
                    "This Idempotency-Key was used for a different checkout request; send a new key for a new"
                            + " checkout",
                    Map.of("checkoutId", record.id().value()));
        }
    }

    /** The answer for a key already used: the stored one, once the first request has decided. */
    private CheckoutResponse replay(CheckoutRecord record, String fingerprint) {
        requireSameRequest(record, fingerprint);
        long deadline = System.nanoTime() + settings.duplicateWait().toNanos();
        CheckoutRecord current = record;
        while (current.response().isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new Conflict(
                        "checkout-in-progress",
                        "A checkout with this Idempotency-Key is still running; retry shortly with the same key",
                        Map.of("checkoutId", record.id().value()));
            }
            CompletableFuture<CheckoutResponse> first = running.get(record.id());
            if (first != null) {
                try {
                    return first.get(left, TimeUnit.NANOSECONDS).asReplay();
                } catch (ExecutionException | TimeoutException e) {
                    // The first request failed without an answer, or is slow: read what the record says.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Unavailable("checkout-in-progress", "interrupted while waiting", Duration.ofSeconds(1));
                }
            } else {
                // Running in another instance (or crashed): poll the record.
                LockSupport.parkNanos(Math.min(left, Duration.ofMillis(20).toNanos()));
            }
            current = orders.checkout(record.id()).orElseThrow();
        }
        return current.response().get().asReplay();
    }

    /** What the customer is buying, priced from the catalog's source of truth (never a view or a cache). */
    private Plan plan(CheckoutRequest request) {
        Cart cart = carts.find(request.cartId())
                .filter(c -> c.owner().isEmpty() || c.owner().get().equals(request.customer()))
                .orElseThrow(() -> new NotFound("cart", request.cartId().value()));
        switch (cart.status()) {
            case CONVERTED ->
                throw new Conflict(
                        "cart-converted",
                        "Cart " + cart.id() + " was checked out already",
                        Map.of("orderId", cart.orderId().orElse("")));
            case MERGED ->
                throw new Conflict(
                        "cart-merged",
                        "Cart " + cart.id() + " was merged into another cart; check that one out",
                        Map.of("into", cart.mergedInto().map(Object::toString).orElse("")));
            case OPEN -> {}
        }
        if (cart.lines().isEmpty() || cart.merchant().isEmpty()) {
            throw new Conflict("cart-empty", "Cart " + cart.id() + " has no lines; add products before checking out");
        }
        List<Sku> skus = cart.lines().stream().map(CartLine::sku).toList();
        Map<Sku, Product> products =
                catalog.products(skus).stream().collect(Collectors.toMap(Product::sku, Function.identity()));
        List<String> unavailable = skus.stream()
                .filter(s -> !products.containsKey(s)
                        || !products.get(s).onSale()
                        || !products.get(s).merchant().equals(cart.merchant().get()))
                .map(Sku::value)
                .toList();
        if (!unavailable.isEmpty()) {
            throw new Conflict(
                    "product-unavailable",
                    "No longer for sale: " + unavailable + "; remove them from the cart",
                    Map.of("skus", unavailable));
        }
        String currency = products.get(skus.getFirst()).price().currency();
        List<String> otherCurrency = skus.stream()
                .filter(s -> !products.get(s).price().currency().equals(currency))
                .map(Sku::value)
                .toList();
        if (!otherCurrency.isEmpty()) {
            throw new Conflict(
                    "mixed-currencies",
                    "The cart mixes currencies: " + otherCurrency + " are not priced in " + currency,
                    Map.of("skus", otherCurrency));
        }
        List<Plan.Line> lines = cart.lines().stream()
                .map(l -> {
                    Product p = products.get(l.sku());
                    return new Plan.Line(
                            l.sku().value(),
                            p.title(),
                            p.category(),
                            l.quantity(),
                            p.price().amount().toPlainString());
                })
                .toList();
        BigDecimal subtotal = cart.lines().stream()
                .map(l -> products.get(l.sku()).price().amount().multiply(BigDecimal.valueOf(l.quantity())))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (subtotal.compareTo(MAX_TOTAL) > 0) {
            // Refused before anything is held: an order its store cannot hold would be retried forever.
            throw new Conflict(
                    "order-too-large",
                    "The cart comes to " + subtotal.toPlainString() + " " + currency + "; an order can be at most "
                            + MAX_TOTAL.toPlainString() + ". Split it into several orders",
                    Map.of("total", subtotal.toPlainString(), "max", MAX_TOTAL.toPlainString()));
        }
        Optional<Plan.ShipTo> shipTo = request.shipTo()
                .or(() -> customers.profile(request.customer()).flatMap(CustomerProfile::defaultAddress))
                .map(Plan.ShipTo::of);
        return new Plan(
                cart.merchant().get().value(),
                request.customer().value(),
                cart.id().value(),
                currency,
                lines,
                subtotal.toPlainString(),
                subtotal.toPlainString(),
                request.payment().token(),
                shipTo.orElse(null));
    }

    /** Runs a started checkout to its decision. Safe to run again from its record. */
    CheckoutResponse run(CheckoutRecord record) {
        OrderId id = record.id();
        Plan plan = record.plan();
        ReservationId reservation = ReservationId.of(id.value());
        PaymentId payment = PaymentId.of(id.value());
        try {
            faults.at(Point.RECORDED, id);
            Reservation held;
            try {
                held = inventory.reserve(
                        reservation,
                        plan.merchantId(),
                        plan.lines().stream()
                                .map(l -> new Reservation.Line(Sku.of(l.sku()), l.quantity()))
                                .toList(),
                        settings.reservationHold());
            } catch (Conflict e) {
                if (!"out-of-stock".equals(e.type())) {
                    throw e;
                }
                // Nothing was ever held under this id, so nothing was authorized either: nothing to undo.
                return refuse(record, 409, "out-of-stock", e.getMessage(), e.properties(), false);
            }
            if (!held.status().live()) {
                return refuse(record, 409, "reservation-expired", expired(held), Map.of(), true);
            }
            faults.at(Point.RESERVED, id);
            if (plan.totalMoney().amount().signum() > 0) {
                PaymentIntent intent;
                try {
                    intent = payments.authorize(new Authorization(
                            payment, plan.merchantId(), plan.customer(), plan.totalMoney(), plan.payment()));
                } catch (PaymentUnavailable e) {
                    return refuse(
                            record,
                            503,
                            "payment-provider-unavailable",
                            "The payment provider is not answering; nothing was charged. Try again in a moment"
                                    + " with a new Idempotency-Key",
                            Map.of(),
                            true);
                }
                if (intent.status() == PaymentIntent.Status.DECLINED) {
                    String reason = intent.declineReason().orElse("declined");
                    return refuse(
                            record,
                            409,
                            "payment-declined",
                            "The payment was declined (" + reason + "); nothing was charged",
                            Map.of("reason", reason),
                            true);
                }
            }
            faults.at(Point.AUTHORIZED, id);
            try {
                inventory.confirm(reservation);
            } catch (Conflict e) {
                if (!"reservation-lost".equals(e.type())) {
                    throw e;
                }
                return refuse(record, 409, "reservation-expired", e.getMessage(), Map.of(), true);
            }
            faults.at(Point.CONFIRMED, id);
            convertCart(plan, id);
            faults.at(Point.CART_CONVERTED, id);
            // PostgreSQL keeps microseconds: the answer shows what a later read of the order shows.
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            CheckoutResponse placed = new CheckoutResponse(
                    201,
                    EventJson.write(OrderDocument.of(asPlaced(id, plan, now))),
                    Optional.of(id),
                    Optional.empty(),
                    false);
            Optional<ConsistencyToken> token = orders.place(record, now, placed);
            faults.at(Point.PLACED, id);
            // A concurrent run may have placed it first, with its own timestamps: its answer is the answer.
            return token.isPresent()
                    ? new CheckoutResponse(201, placed.body(), Optional.of(id), token, false)
                    : orders.checkout(id).flatMap(CheckoutRecord::response).orElse(placed);
        } catch (CheckoutFaults.Crash crash) {
            throw crash;
        } catch (RuntimeException e) {
            log.warn("Checkout {} could not finish now, recovery will: {}", id, e.toString());
            try {
                orders.noteError(id, e.toString());
            } catch (RuntimeException ignored) {
                // The store is what failed; recovery reads the record when it is back.
            }
            throw new Unavailable(
                    "checkout-incomplete",
                    "Checkout " + id + " could not finish right now; it will be completed or undone"
                            + " automatically. Retry with the same Idempotency-Key to get its outcome.",
                    Duration.ofSeconds(1));
        }
    }

    private static String expired(Reservation r) {
        return "The stock held for this checkout was released ("
                + r.status().name().toLowerCase() + ") before" + " the payment completed; nothing was charged";
    }

    /**
     * Stores the refusal as the checkout's answer, then undoes what was done ({@code undo}). Returns the
     * stored answer, which is another run's when that one decided first.
     */
    private CheckoutResponse refuse(
            CheckoutRecord record,
            int status,
            String type,
            String detail,
            Map<String, Object> properties,
            boolean undo) {
        Map<String, Object> members = new LinkedHashMap<>(properties);
        members.put("checkoutId", record.id().value());
        CheckoutResponse response = new CheckoutResponse(
                status,
                EventJson.write(Problems.document(status, type, detail, members)),
                Optional.empty(),
                Optional.empty(),
                false);
        if (!orders.refuse(record, response, type, undo)) {
            return orders.checkout(record.id())
                    .flatMap(CheckoutRecord::response)
                    .orElse(response);
        }
        faults.at(Point.REFUSED, record.id());
        if (undo) {
            try {
                compensate(record);
            } catch (CheckoutFaults.Crash crash) {
                throw crash;
            } catch (RuntimeException e) {
                log.warn("Undoing checkout {} failed, recovery will finish it: {}", record.id(), e.toString());
            }
        }
        return response;
    }

    /** Voids the authorization and releases the stock; each step is idempotent, so this can run again. */
    void compensate(CheckoutRecord record) {
        payments.voidAuthorization(PaymentId.of(record.id().value()));
        faults.at(Point.VOIDED, record.id());
        inventory.release(ReservationId.of(record.id().value()), "checkout-failed");
        orders.compensated(record.id());
    }

    /** Finishes a checkout a crash left behind: forward if started, the undo if compensating. */
    void recover(CheckoutRecord record) {
        if (record.state() == State.STARTED) {
            run(record);
        } else if (record.state() == State.COMPENSATING) {
            compensate(record);
        }
    }

    private static Order asPlaced(OrderId id, Plan plan, Instant now) {
        return new Order(
                id,
                plan.merchantId(),
                plan.customerId(),
                OrderStatus.PLACED,
                plan.orderLines(),
                plan.subtotalMoney(),
                plan.totalMoney(),
                plan.shipToAddress(),
                1,
                now,
                now,
                List.of(new Order.StatusChange(Optional.empty(), OrderStatus.PLACED, ACTOR, "", now)));
    }

    /** The request's identity: the same key with a different request is refused, not replayed. */
    private static String fingerprint(CheckoutRequest r) {
        String canonical = r.cartId().value() + "\n" + r.payment().token() + "\n"
                + r.shipTo().map(EventJson::write).orElse("");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
