package dev.mercato.plane.events;

/** One topic per publishing capability: events of one aggregate share a key, so a partition, so an order. */
public final class Topics {

    private Topics() {}

    public static String of(String capability) {
        return "mercato." + capability;
    }
}
