package dev.mercato.plane.consume;

import dev.mercato.plane.NotFound;
import dev.mercato.plane.events.ConsistencyToken;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What every read served from a derived view says about itself: how far behind the log the view is
 * ({@code Mercato-Freshness: lag-ms=<n>; as-of=<time>}) and, when the client passed the consistency
 * tokens of its own writes, whether the view has applied them (it waits, bounded, for them first).
 */
public final class ViewReads {

    public static final String FRESHNESS_HEADER = "Mercato-Freshness";
    public static final String TOKEN_HEADER = "Mercato-Consistency-Token";
    public static final Duration READ_YOUR_WRITES_WAIT = Duration.ofSeconds(2);

    private final Function<String, Optional<DerivedView>> views;
    private final Clock clock;

    /** Reads of every view in the registry, whatever store keeps it. */
    public ViewReads(ViewRegistry registry, Clock clock) {
        this(registry::find, clock);
    }

    /** Reads of the runtime's PostgreSQL views only. */
    public ViewReads(ViewRuntime runtime, Clock clock) {
        this(name -> Optional.of(runtime.derived(name)), clock);
    }

    private ViewReads(Function<String, Optional<DerivedView>> views, Clock clock) {
        this.views = views;
        this.clock = clock;
    }

    /**
     * The state of one read: how far behind the view is and whether the client's writes are in, and the
     * header to answer with.
     *
     * @param lagMillis the view's lag, or {@link ViewFreshness#UNKNOWN} when it does not know it (it holds
     *     no partitions yet, has not read the log end, or is not running here)
     * @param asOf the time up to which the view has applied the log, or null when the lag is unknown
     * @param stale whether the read may miss writes it should show: a token's write was not applied in
     *     time, or the view cannot say how far behind it is
     */
    public record Freshness(long lagMillis, Instant asOf, boolean stale) {

        static Freshness unknown() {
            return new Freshness(ViewFreshness.UNKNOWN, null, true);
        }

        public boolean known() {
            return lagMillis >= 0 && asOf != null;
        }

        /**
         * {@code lag-ms=<n>; as-of=<time>}, with {@code ; stale} appended when the read may miss writes; a
         * view that does not know its lag says {@code lag-ms=unknown; as-of=unknown; stale}.
         */
        public String header() {
            if (!known()) {
                return "lag-ms=unknown; as-of=unknown; stale";
            }
            return "lag-ms=" + lagMillis + "; as-of=" + DateTimeFormatter.ISO_INSTANT.format(asOf)
                    + (stale ? "; stale" : "");
        }
    }

    /**
     * Waits up to {@link #READ_YOUR_WRITES_WAIT} for the writes named by {@code tokens} (the header's
     * value, possibly null or several comma-separated tokens), then reports freshness.
     */
    public Freshness before(String view, String tokens) {
        Optional<DerivedView> derived = views.apply(view);
        boolean stale = false;
        if (tokens != null && !tokens.isBlank()) {
            List<ConsistencyToken> wanted = Arrays.stream(tokens.split(","))
                    .map(String::strip)
                    .filter(t -> !t.isEmpty())
                    .map(ConsistencyToken::decode)
                    .toList();
            DerivedView v = derived.orElseThrow(() -> new NotFound("running view", view));
            long deadline = System.nanoTime() + READ_YOUR_WRITES_WAIT.toNanos();
            for (ConsistencyToken token : wanted) {
                if (!v.reads(token.source())) {
                    continue; // a write this view never sees: nothing to wait for
                }
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                if (!v.awaitApplied(token.streamKey(), token.sequence(), left)) {
                    stale = true;
                }
            }
        }
        // A view not running here, or one that does not know its lag yet, has nothing it can vouch for.
        List<ViewFreshness> active = derived.map(DerivedView::freshness).orElse(List.of()).stream()
                .filter(ViewFreshness::active)
                .toList();
        if (active.isEmpty() || active.stream().anyMatch(f -> f.lagMillis() < 0)) {
            return Freshness.unknown();
        }
        long lag = active.stream().mapToLong(ViewFreshness::lagMillis).max().orElseThrow();
        Instant now = clock.instant();
        return new Freshness(lag, now.minusMillis(lag), stale);
    }
}
