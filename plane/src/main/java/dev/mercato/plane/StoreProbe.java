package dev.mercato.plane;

import java.util.Map;

/**
 * A cheap check that one store answers. Each capability that owns a store publishes a probe; the
 * composition root turns every probe into its own health component, so an operator sees which store is
 * down rather than one red light.
 */
public interface StoreProbe {

    /** The health component's name, e.g. {@code postgres}, {@code kafka}, {@code rocksdb}. */
    String name();

    Result check();

    record Result(boolean up, Map<String, Object> details) {
        public static Result up(Map<String, Object> details) {
            return new Result(true, details);
        }

        public static Result down(Map<String, Object> details) {
            return new Result(false, details);
        }
    }
}
