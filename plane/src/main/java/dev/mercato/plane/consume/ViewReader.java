package dev.mercato.plane.consume;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Reads a view's active generation; runs in a transaction that the generation swap waits for. */
@FunctionalInterface
public interface ViewReader<T> {
    T read(JdbcClient jdbc, Generation active);
}
