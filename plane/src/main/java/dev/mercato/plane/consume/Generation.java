package dev.mercato.plane.consume;

import java.util.Objects;

/**
 * One complete copy of a view's tables. A rebuild fills generation N+1 from the start of the log while
 * readers use N; the swap is one row update.
 *
 * @param view the view's name
 * @param number 1, 2, 3, ... for the view
 */
public record Generation(String view, int number) {

    public Generation {
        Objects.requireNonNull(view, "view");
        if (number < 1) {
            throw new IllegalArgumentException("generations start at 1, got " + number);
        }
    }

    /** The generation's name for one of the view's tables: {@code totals} becomes {@code totals_g3}. */
    public String table(String base) {
        return base + "_g" + number;
    }

    /** The consumer group this generation reads with; a new generation starts a new group. */
    public String consumerGroup() {
        return "view." + view + ".g" + number;
    }
}
