package dev.mercato.plane.events;

/** One topic per publishing capability: events of one aggregate share a key, so a partition, so an order. */
public final class Topics {

    private Topics() {}

    public static String of(String capability) {
        return PREFIX + capability;
    }

    /**
     * Whether a reader of {@code topics} may see the events {@code capability} publishes: its own topic is
     * among them, or one of them is not named for a capability (a topic given in settings or a test's), and
     * so may carry anyone's.
     */
    public static boolean carry(java.util.Collection<String> topics, String capability) {
        return topics.contains(of(capability)) || topics.stream().anyMatch(t -> !t.startsWith(PREFIX));
    }

    /** Whether {@code topic} is named for a capability (one the platform's own relays publish to). */
    public static boolean isCapabilityTopic(String topic) {
        return topic.startsWith(PREFIX);
    }

    private static final String PREFIX = "mercato.";
}
