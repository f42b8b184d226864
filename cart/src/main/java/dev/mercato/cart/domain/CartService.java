package dev.mercato.cart.domain;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.CartLine;
import dev.mercato.cart.Carts;
import dev.mercato.cart.events.CartConverted;
import dev.mercato.cart.events.CartCreated;
import dev.mercato.cart.events.CartExpired;
import dev.mercato.cart.events.CartMerged;
import dev.mercato.cart.events.LineChanged;
import dev.mercato.cart.store.CartStore;
import dev.mercato.cart.store.CartStore.Attempt;
import dev.mercato.cart.store.CartStore.Decision;
import dev.mercato.cart.store.StoredCart;
import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.Conflict;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.PreconditionFailed;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.events.EventType;
import dev.mercato.plane.web.MoneyJson;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The cart rules over a {@link CartStore}. Every change is a compare-and-set round retried a bounded
 * number of times; a change and the events it emits are one write, and every change refreshes the
 * cart's inactivity TTL.
 */
public final class CartService implements Carts {

    /** Rounds a change may lose to concurrent writers of the same cart before it gives up. */
    static final int MAX_ATTEMPTS = 64;

    static final int SWEEP_BATCH = 500;
    private static final int MAX_ORDER_ID = 100;
    private static final String ACTIVE = "active";

    private final CartStore store;
    private final Catalog catalog;
    private final Clock clock;
    private final Duration ttl;

    public CartService(CartStore store, Catalog catalog, Clock clock, Duration ttl) {
        this.store = Objects.requireNonNull(store, "store");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("The cart TTL must be at least a second, got " + ttl);
        }
        this.ttl = ttl;
    }

    @Override
    public Cart create(Optional<CustomerId> owner) {
        Instant now = now();
        for (int i = 0; i < 3; i++) {
            Cart cart = new Cart(
                    CartId.random(),
                    owner,
                    Optional.empty(),
                    List.of(),
                    Cart.Status.OPEN,
                    1,
                    now,
                    now,
                    now.plus(ttl),
                    Optional.empty(),
                    Optional.empty());
            if (store.create(StoredCart.of(cart))) {
                return cart;
            }
        }
        throw new IllegalStateException("Three random cart ids in a row were taken: the random source is broken");
    }

    @Override
    public Optional<Cart> find(CartId id) {
        return store.read(id, now()).map(StoredCart::cart);
    }

    @Override
    public Cart setQuantity(CartId id, Sku sku, int quantity, OptionalLong expectedVersion) {
        Objects.requireNonNull(sku, "sku");
        if (quantity < 0 || quantity > MAX_QUANTITY) {
            throw new InvalidInput("quantity", "must be 0-" + MAX_QUANTITY + ", got " + quantity);
        }
        // Looked up once, outside the rounds: a lost round does not ask the catalog again.
        Product product = quantity == 0 ? null : available(sku);
        return change(id, (current, now) -> {
                    Cart cart = current.cart();
                    requireChangeable(cart);
                    if (expectedVersion.isPresent() && expectedVersion.getAsLong() != cart.version()) {
                        throw new PreconditionFailed(
                                "Cart " + id + " is at version " + cart.version() + ", not "
                                        + expectedVersion.getAsLong() + ": read it again and decide again",
                                cart.version());
                    }
                    return product == null ? remove(current, sku, now) : set(current, product, quantity, now);
                })
                .cart();
    }

    private Product available(Sku sku) {
        Product product = catalog.product(sku).orElseThrow(() -> new NotFound("product", sku.value()));
        if (!ACTIVE.equals(product.status())) {
            throw new Conflict(
                    "product-unavailable",
                    "Product " + sku + " is " + product.status() + " and can no longer be added to a cart",
                    Map.of("sku", sku.value()));
        }
        return product;
    }

    private Decision remove(StoredCart current, Sku sku, Instant now) {
        Cart cart = current.cart();
        Optional<CartLine> existing = cart.line(sku);
        if (existing.isEmpty()) {
            return Decision.KEEP;
        }
        List<CartLine> lines = new ArrayList<>(cart.lines());
        lines.remove(existing.get());
        Events events = new Events(current, cart.merchant().orElseThrow(), now);
        events.add(
                LineChanged.TYPE,
                new LineChanged(
                        cart.id().value(),
                        sku.value(),
                        0,
                        existing.get().quantity(),
                        MoneyJson.of(existing.get().unitPrice())));
        return events.write(next(cart, cart.merchant(), lines, now));
    }

    private Decision set(StoredCart current, Product product, int quantity, Instant now) {
        Cart cart = current.cart();
        if (cart.merchant().isPresent() && !cart.merchant().get().equals(product.merchant())) {
            throw new Conflict(
                    "cart-merchant-mismatch",
                    "Cart " + cart.id() + " holds products of merchant "
                            + cart.merchant().get() + "; "
                            + product.sku() + " is sold by " + product.merchant()
                            + ". An order is placed with one merchant: use another cart for it",
                    Map.of(
                            "cartMerchant", cart.merchant().get().value(),
                            "productMerchant", product.merchant().value()));
        }
        if (!cart.lines().isEmpty()) {
            String currency = cart.lines().getFirst().unitPrice().currency();
            if (!currency.equals(product.price().currency())) {
                throw new Conflict(
                        "cart-currency-mismatch",
                        "Cart " + cart.id() + " is priced in " + currency + "; " + product.sku() + " in "
                                + product.price().currency(),
                        Map.of(
                                "cartCurrency",
                                currency,
                                "productCurrency",
                                product.price().currency()));
            }
        }
        Optional<CartLine> existing = cart.line(product.sku());
        CartLine line = new CartLine(product.sku(), quantity, product.price(), product.title());
        if (existing.isPresent() && existing.get().equals(line)) {
            return Decision.KEEP;
        }
        if (existing.isEmpty() && cart.lines().size() >= MAX_LINES) {
            throw new Conflict(
                    "cart-full",
                    "Cart " + cart.id() + " already holds " + MAX_LINES + " different products",
                    Map.of("maxLines", MAX_LINES));
        }
        List<CartLine> lines = new ArrayList<>(cart.lines().size() + 1);
        for (CartLine l : cart.lines()) {
            lines.add(l.sku().equals(line.sku()) ? line : l);
        }
        if (existing.isEmpty()) {
            lines.add(line);
        }
        Events events = new Events(current, product.merchant(), now);
        if (cart.merchant().isEmpty()) {
            events.add(
                    CartCreated.TYPE,
                    new CartCreated(
                            cart.id().value(),
                            cart.owner().map(CustomerId::value).orElse(null),
                            cart.createdAt()));
        }
        events.add(
                LineChanged.TYPE,
                new LineChanged(
                        cart.id().value(),
                        line.sku().value(),
                        quantity,
                        existing.map(CartLine::quantity).orElse(0),
                        MoneyJson.of(line.unitPrice())));
        return events.write(next(cart, Optional.of(product.merchant()), lines, now));
    }

    @Override
    public Cart merge(CartId anonymous, CustomerId customer) {
        Objects.requireNonNull(anonymous, "anonymous");
        Objects.requireNonNull(customer, "customer");
        for (int round = 1; ; round++) {
            try {
                return mergeOnce(anonymous, customer);
            } catch (Moved moved) {
                if (round >= MAX_ATTEMPTS) {
                    throw busy(anonymous);
                }
                backOff(round);
            }
        }
    }

    /** Thrown by a round that found the cart moved on from what the merge decided on: decide again. */
    private static final class Moved extends RuntimeException {
        Moved() {
            super(null, null, false, false);
        }
    }

    private Cart mergeOnce(CartId anonymous, CustomerId customer) {
        Instant now = now();
        StoredCart found = store.read(anonymous, now).orElseThrow(() -> new NotFound("cart", anonymous.value()));
        Cart anon = found.cart();
        if (anon.owner().isPresent()) {
            // Someone else's cart does not exist for this customer; their own is theirs already.
            if (!anon.owner().get().equals(customer)) {
                throw new NotFound("cart", anonymous.value());
            }
            requireChangeable(anon);
            return anon;
        }
        if (anon.status() == Cart.Status.CONVERTED) {
            requireChangeable(anon);
        }
        if (anon.status() == Cart.Status.MERGED) {
            return finishMerge(found, customer);
        }
        Optional<StoredCart> target = store.openCartsOf(customer, now).stream()
                .filter(s -> !s.id().equals(anonymous))
                .filter(s -> anon.merchant().isEmpty() || s.cart().merchant().equals(anon.merchant()))
                .max(Comparator.comparing((StoredCart s) -> s.cart().updatedAt())
                        .thenComparing(s -> s.id().value()));
        if (target.isEmpty()) {
            return adopt(anonymous, customer);
        }
        CartId into = target.get().id();
        // First freeze the anonymous cart (it then holds exactly the lines to move), then move them:
        // a merge interrupted in between is finished by the next call, once, thanks to mergedFrom.
        StoredCart frozen = change(anonymous, (current, at) -> {
            Cart c = current.cart();
            if (c.status() == Cart.Status.MERGED) {
                return Decision.KEEP;
            }
            if (c.owner().isPresent() || c.status() != Cart.Status.OPEN) {
                throw new Moved();
            }
            Cart merged = new Cart(
                    c.id(),
                    c.owner(),
                    c.merchant(),
                    c.lines(),
                    Cart.Status.MERGED,
                    c.version() + 1,
                    c.createdAt(),
                    at,
                    at.plus(ttl),
                    c.orderId(),
                    Optional.of(into));
            if (c.merchant().isEmpty()) {
                return new Decision.Write(current.with(merged, current.lastSequence()), List.of());
            }
            Events events = new Events(current, c.merchant().get(), at);
            events.add(CartMerged.TYPE, new CartMerged(c.id().value(), into.value()));
            return events.write(merged);
        });
        return finishMerge(frozen, customer);
    }

    private Cart adopt(CartId anonymous, CustomerId customer) {
        return change(anonymous, (current, at) -> {
                    Cart c = current.cart();
                    if (c.owner().filter(customer::equals).isPresent() && c.isOpen()) {
                        return Decision.KEEP;
                    }
                    if (c.owner().isPresent() || !c.isOpen()) {
                        throw new Moved();
                    }
                    Cart owned = new Cart(
                            c.id(),
                            Optional.of(customer),
                            c.merchant(),
                            c.lines(),
                            c.status(),
                            c.version() + 1,
                            c.createdAt(),
                            at,
                            at.plus(ttl),
                            c.orderId(),
                            c.mergedInto());
                    return new Decision.Write(current.with(owned, current.lastSequence()), List.of());
                })
                .cart();
    }

    /** Moves a merged cart's lines into the cart it was merged into, unless that was done already. */
    private Cart finishMerge(StoredCart merged, CustomerId customer) {
        Cart anon = merged.cart();
        CartId into = anon.mergedInto().orElseThrow();
        Attempt done;
        for (int round = 1; ; round++) {
            Instant now = now();
            done = store.attempt(into, now, current -> {
                Cart target = current.cart();
                if (!target.owner().filter(customer::equals).isPresent()) {
                    // Merged into another customer's cart: not this customer's business.
                    throw new NotFound("cart", anon.id().value());
                }
                if (current.mergedFrom().contains(anon.id()) || !target.isOpen()) {
                    return Decision.KEEP;
                }
                return moveLines(current, merged, now);
            });
            if (!(done instanceof Attempt.Lost)) {
                break;
            }
            if (round >= MAX_ATTEMPTS) {
                throw busy(into);
            }
            backOff(round);
        }
        return switch (done) {
            case Attempt.Written w -> w.written().cart();
            case Attempt.Kept k -> k.current().cart();
            default -> throw new NotFound("cart", anon.id().value());
        };
    }

    private Decision moveLines(StoredCart current, StoredCart merged, Instant now) {
        Cart target = current.cart();
        List<CartLine> lines = new ArrayList<>(target.lines());
        Optional<MerchantId> merchant = target.merchant().or(() -> merged.cart().merchant());
        List<LineChanged> changes = new ArrayList<>();
        for (CartLine moving : merged.cart().lines()) {
            Optional<CartLine> existing = target.line(moving.sku());
            if (existing.isPresent()) {
                CartLine had = existing.get();
                int sum = Math.min(MAX_QUANTITY, had.quantity() + moving.quantity());
                if (sum != had.quantity()) {
                    lines.set(lines.indexOf(had), new CartLine(had.sku(), sum, had.unitPrice(), had.title()));
                    changes.add(lineChanged(target, had.sku(), sum, had.quantity(), had));
                }
            } else if (lines.size() < MAX_LINES
                    && (lines.isEmpty()
                            || lines.getFirst()
                                    .unitPrice()
                                    .currency()
                                    .equals(moving.unitPrice().currency()))) {
                // Past the line limit, or in another currency, a line stays behind in the merged cart.
                lines.add(moving);
                changes.add(lineChanged(target, moving.sku(), moving.quantity(), 0, moving));
            }
        }
        List<CartId> mergedFrom = new ArrayList<>(current.mergedFrom());
        mergedFrom.add(merged.id());
        if (mergedFrom.size() > StoredCart.MERGED_FROM_KEPT) {
            mergedFrom.removeFirst();
        }
        Cart next = next(target, merchant, lines, now);
        if (changes.isEmpty()) {
            return new Decision.Write(new StoredCart(next, current.lastSequence(), mergedFrom), List.of());
        }
        Events events = new Events(current, merchant.orElseThrow(), now);
        if (target.merchant().isEmpty()) {
            events.add(
                    CartCreated.TYPE,
                    new CartCreated(
                            target.id().value(),
                            target.owner().map(CustomerId::value).orElse(null),
                            target.createdAt()));
        }
        changes.forEach(c -> events.add(LineChanged.TYPE, c));
        return new Decision.Write(
                new StoredCart(next, current.lastSequence() + events.size(), mergedFrom), events.list());
    }

    private static LineChanged lineChanged(Cart cart, Sku sku, int quantity, int previous, CartLine priced) {
        return new LineChanged(cart.id().value(), sku.value(), quantity, previous, MoneyJson.of(priced.unitPrice()));
    }

    @Override
    public Cart convert(CartId id, String orderId) {
        if (orderId == null || orderId.isBlank() || orderId.length() > MAX_ORDER_ID) {
            throw new InvalidInput("orderId", "must be 1-" + MAX_ORDER_ID + " characters");
        }
        return change(id, (current, now) -> {
                    Cart c = current.cart();
                    if (c.status() == Cart.Status.CONVERTED
                            && c.orderId().filter(orderId::equals).isPresent()) {
                        return Decision.KEEP;
                    }
                    requireChangeable(c);
                    Cart converted = new Cart(
                            c.id(),
                            c.owner(),
                            c.merchant(),
                            c.lines(),
                            Cart.Status.CONVERTED,
                            c.version() + 1,
                            c.createdAt(),
                            now,
                            now.plus(ttl),
                            Optional.of(orderId),
                            c.mergedInto());
                    if (c.merchant().isEmpty()) {
                        return new Decision.Write(current.with(converted, current.lastSequence()), List.of());
                    }
                    Events events = new Events(current, c.merchant().get(), now);
                    events.add(CartConverted.TYPE, new CartConverted(c.id().value(), orderId));
                    return events.write(converted);
                })
                .cart();
    }

    @Override
    public int sweepExpired() {
        Instant now = now();
        int total = 0;
        int swept;
        do {
            swept = store.sweepExpired(now, SWEEP_BATCH, stored -> farewell(stored, now));
            total += swept;
        } while (swept == SWEEP_BATCH);
        return total;
    }

    /** An open cart that held products is an abandoned one; a converted or merged cart goes silently. */
    private static List<Event> farewell(StoredCart stored, Instant now) {
        Cart c = stored.cart();
        if (!c.isOpen() || c.merchant().isEmpty()) {
            return List.of();
        }
        Events events = new Events(stored, c.merchant().get(), now);
        events.add(CartExpired.TYPE, new CartExpired(c.id().value(), c.itemCount()));
        return events.list();
    }

    /** A change decided over the current cart at the round's time. */
    @FunctionalInterface
    private interface Change {
        Decision decide(StoredCart current, Instant now);
    }

    private StoredCart change(CartId id, Change change) {
        for (int round = 1; ; round++) {
            Instant now = now();
            Attempt attempt = store.attempt(id, now, current -> change.decide(current, now));
            switch (attempt) {
                case Attempt.Absent a -> throw new NotFound("cart", id.value());
                case Attempt.Kept k -> {
                    return k.current();
                }
                case Attempt.Written w -> {
                    return w.written();
                }
                case Attempt.Lost l -> {
                    if (round >= MAX_ATTEMPTS) {
                        throw busy(id);
                    }
                    backOff(round);
                }
            }
        }
    }

    private static Conflict busy(CartId id) {
        return new Conflict(
                "cart-busy",
                "Cart " + id + " kept changing while this change was applied (" + MAX_ATTEMPTS + " tries); try again",
                Map.of("cartId", id.value()));
    }

    /** A random pause that grows with the rounds lost, so contending writers stop colliding in step. */
    private static void backOff(int round) {
        long maxMicros = Math.min(5_000, 50L << Math.min(round, 10));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxMicros) * 1_000);
    }

    private static void requireChangeable(Cart cart) {
        switch (cart.status()) {
            case CONVERTED ->
                throw new Conflict(
                        "cart-converted",
                        "Cart " + cart.id() + " was checked out"
                                + cart.orderId().map(o -> " as order " + o).orElse("") + " and no longer changes",
                        cart.orderId()
                                .<Map<String, Object>>map(o -> Map.of("orderId", o))
                                .orElse(Map.of()));
            case MERGED ->
                throw new Conflict(
                        "cart-merged",
                        "Cart " + cart.id() + " was merged into the customer's cart and no longer changes",
                        cart.mergedInto()
                                .<Map<String, Object>>map(m -> Map.of("mergedInto", m.value()))
                                .orElse(Map.of()));
            case OPEN -> {}
        }
    }

    private Cart next(Cart cart, Optional<MerchantId> merchant, List<CartLine> lines, Instant now) {
        return new Cart(
                cart.id(),
                cart.owner(),
                merchant,
                lines,
                cart.status(),
                cart.version() + 1,
                cart.createdAt(),
                now,
                now.plus(ttl),
                cart.orderId(),
                cart.mergedInto());
    }

    /** Stored instants have millisecond precision; so do the ones handed out. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The events one change emits, numbered on from the cart's last sequence. */
    private static final class Events {
        private final StoredCart current;
        private final MerchantId merchant;
        private final Instant time;
        private final List<Event> list = new ArrayList<>(2);

        Events(StoredCart current, MerchantId merchant, Instant time) {
            this.current = current;
            this.merchant = merchant;
            this.time = time;
        }

        void add(EventType type, Object payload) {
            list.add(new Event(
                    UUID.randomUUID(),
                    type,
                    time,
                    merchant,
                    current.id().value(),
                    current.lastSequence() + list.size() + 1,
                    "",
                    EventJson.write(payload)));
        }

        int size() {
            return list.size();
        }

        List<Event> list() {
            return list;
        }

        Decision write(Cart next) {
            return new Decision.Write(current.with(next, current.lastSequence() + list.size()), list);
        }
    }
}
