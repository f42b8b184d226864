package dev.mercato.plane.consume;

import dev.mercato.plane.events.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A PostgreSQL view of the runtime seen as a {@link DerivedView}; asks the runtime by name each time. */
record RuntimeView(ViewRuntime runtime, String name) implements DerivedView {

    @Override
    public List<ViewFreshness> freshness() {
        return runtime.freshness(name);
    }

    @Override
    public void pause() {
        runtime.pause(name);
    }

    @Override
    public void resume() {
        runtime.resume(name);
    }

    @Override
    public Generation rebuild() {
        return runtime.rebuild(name);
    }

    @Override
    public boolean awaitApplied(String streamKey, long sequence, Duration timeout) {
        return runtime.awaitApplied(name, streamKey, sequence, timeout);
    }

    @Override
    public boolean reads(String source) {
        return Topics.carry(runtime.topics(name), source);
    }

    @Override
    public Optional<DeadLetters> deadLetters() {
        return Optional.of(runtime.deadLetters(name));
    }
}
