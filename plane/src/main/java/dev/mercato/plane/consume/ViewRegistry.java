package dev.mercato.plane.consume;

import dev.mercato.plane.NotFound;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every derived view of this process by name, whatever store keeps it: what operators list, pause,
 * resume and rebuild, and what reads ask for freshness and read-your-writes.
 */
public final class ViewRegistry {

    private final Map<String, DerivedView> views = new LinkedHashMap<>();

    /** Adds a view; names are unique, since operators and readers address views by name. */
    public synchronized void register(DerivedView view) {
        Objects.requireNonNull(view, "view");
        if (views.putIfAbsent(view.name(), view) != null) {
            throw new IllegalStateException("A view named " + view.name() + " is already registered");
        }
    }

    public synchronized Optional<DerivedView> find(String name) {
        return Optional.ofNullable(views.get(name));
    }

    /** The named view, or {@link NotFound} (a 404 for operators). */
    public DerivedView view(String name) {
        return find(name).orElseThrow(() -> new NotFound("view", name));
    }

    /** Every view, in the order they were registered. */
    public synchronized List<DerivedView> views() {
        return List.copyOf(views.values());
    }

    public List<String> names() {
        return views().stream().map(DerivedView::name).toList();
    }

    /** Freshness of every generation of every view, each view's active generation first. */
    public List<ViewFreshness> freshness() {
        List<ViewFreshness> all = new ArrayList<>();
        views().forEach(v -> all.addAll(v.freshness()));
        return all;
    }
}
