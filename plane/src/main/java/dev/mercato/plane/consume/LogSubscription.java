package dev.mercato.plane.consume;

/** A running consumer; closing it leaves the group and ends its thread within a few seconds. */
public interface LogSubscription extends AutoCloseable {
    @Override
    void close();
}
