package dev.mercato.plane.consume;

/** One partition of a topic, without the log client's own type. */
public record LogPartition(String topic, int partition) {

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
