package dev.mercato.plane.consume;

/**
 * Whether the write path is busy right now, as the process's {@link DerivedWork} asks before each round of
 * derived work: while it is, views batch longer and fall behind instead of competing with writes.
 */
@FunctionalInterface
public interface WritePressure {

    /** Never busy: views apply as soon as records arrive. */
    WritePressure NONE = () -> false;

    boolean high();
}
