package dev.mercato.plane.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewRegistryTest {

    /** A view on some store of its own: reports what it is told, and has applied what it is told. */
    static final class FixedView implements DerivedView {
        final String name;
        final List<ViewFreshness> freshness = new ArrayList<>();
        final List<String> waitedFor = new ArrayList<>();
        final List<String> sources = new ArrayList<>();
        long appliedUpTo;

        FixedView(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<ViewFreshness> freshness() {
            return freshness;
        }

        @Override
        public void pause() {}

        @Override
        public void resume() {}

        @Override
        public Generation rebuild() {
            return new Generation(name, 2);
        }

        @Override
        public boolean awaitApplied(String streamKey, long sequence, Duration timeout) {
            waitedFor.add(streamKey + "#" + sequence);
            return sequence <= appliedUpTo;
        }

        @Override
        public boolean reads(String source) {
            return sources.isEmpty() || sources.contains(source);
        }
    }

    static ViewFreshness generation(String view, int number, boolean active, long lagMillis) {
        return new ViewFreshness(
                view,
                number,
                active,
                ViewState.RUNNING,
                List.of(new PartitionFreshness("t", 0, 5, 6, 1, lagMillis, null, ViewState.CATCHING_UP)));
    }

    @Test
    void views_are_found_by_name_listed_in_registration_order_and_a_name_is_taken_once() {
        ViewRegistry registry = new ViewRegistry();
        FixedView search = new FixedView("search");
        FixedView accounts = new FixedView("accounts");
        search.freshness.add(generation("search", 1, true, 10));
        accounts.freshness.add(generation("accounts", 3, true, 20));
        registry.register(search);
        registry.register(accounts);

        assertThat(registry.view("accounts")).isSameAs(accounts);
        assertThat(registry.names()).containsExactly("search", "accounts");
        assertThat(registry.freshness()).extracting(ViewFreshness::view).containsExactly("search", "accounts");
        assertThatThrownBy(() -> registry.register(new FixedView("search"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> registry.view("nope")).isInstanceOf(NotFound.class);
    }

    @Test
    void a_read_waits_for_each_token_of_the_view_and_reports_the_lag_of_its_active_generation_only() {
        ViewRegistry registry = new ViewRegistry();
        FixedView view = new FixedView("search");
        view.freshness.add(generation("search", 1, true, 250));
        // A rebuild far behind does not make reads served from the active generation look stale.
        view.freshness.add(generation("search", 2, false, 90_000));
        view.appliedUpTo = 3;
        registry.register(view);
        MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
        ViewReads reads = new ViewReads(registry, clock);
        String applied = new ConsistencyToken("catalog", "acme/SKU-1", 3).encode();
        String notYet = new ConsistencyToken("inventory", "acme/SKU-1", 4).encode();

        ViewReads.Freshness fresh = reads.before("search", applied);
        ViewReads.Freshness stale = reads.before("search", applied + ", " + notYet);

        assertThat(fresh.stale()).isFalse();
        assertThat(fresh.header()).isEqualTo("lag-ms=250; as-of=2025-03-01T11:59:59.750Z");
        assertThat(stale.stale()).isTrue();
        assertThat(stale.header()).endsWith("; stale");
        assertThat(view.waitedFor)
                .containsExactly("catalog:acme/SKU-1#3", "catalog:acme/SKU-1#3", "inventory:acme/SKU-1#4");
        // A view not registered (yet) cannot vouch for anything: its lag is unknown and its reads stale.
        assertThat(reads.before("later", null).known()).isFalse();
        assertThat(reads.before("later", null).header()).isEqualTo("lag-ms=unknown; as-of=unknown; stale");
    }

    @Test
    void a_read_does_not_wait_for_the_token_of_a_write_its_view_never_reads() {
        ViewRegistry registry = new ViewRegistry();
        FixedView books = new FixedView("books");
        books.sources.add("payments");
        books.freshness.add(generation("books", 1, true, 0));
        books.appliedUpTo = 7;
        registry.register(books);
        ViewReads reads = new ViewReads(registry, new MutableClock(Instant.parse("2025-03-01T12:00:00Z")));
        // A shipment answers with the order's move (orders) and the capture (payments).
        String move = new ConsistencyToken("orders", "acme/o-1", 40).encode();
        String capture = new ConsistencyToken("payments", "acme/o-1", 7).encode();
        String later = new ConsistencyToken("payments", "acme/o-1", 8).encode();

        assertThat(reads.before("books", move + "," + capture).stale()).isFalse();
        assertThat(reads.before("books", move + "," + later).stale()).isTrue();
        assertThat(books.waitedFor).containsExactly("payments:acme/o-1#7", "payments:acme/o-1#8");
    }
}
