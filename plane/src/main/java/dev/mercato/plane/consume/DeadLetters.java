package dev.mercato.plane.consume;

import dev.mercato.plane.Conflict;
import dev.mercato.plane.NotFound;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An operator's view of one view's parked events: inspect them, redrive them once the cause is fixed, or
 * discard one that can never apply. A redrive applies a key's queue in sequence order on the caller's
 * thread, each event in its own transaction with the key locked, so it never races the consumer.
 */
public final class DeadLetters {

    private enum Step {
        APPLIED,
        EMPTY
    }

    private final ViewHandle handle;

    DeadLetters(ViewHandle handle) {
        this.handle = handle;
    }

    /** Every parked record of every generation, per key in sequence order. */
    public List<DeadLetter> list() {
        return handle.parking().list();
    }

    public Optional<DeadLetter> get(long id) {
        return handle.parking().get(id);
    }

    /**
     * Re-applies one parked event. Only the first of its key's queue may go: a later one would overtake
     * the events it waits behind.
     */
    public Redrive redrive(long id) {
        DeadLetter letter = get(id).orElseThrow(() -> new NotFound("dead letter", Long.toString(id)));
        if (letter.reason() == DeadLetter.Reason.UNDECODABLE) {
            throw new Conflict(
                    "dead-letter-undecodable",
                    "Dead letter " + id + " cannot be decoded, so it can never be applied; discard it");
        }
        long head = handle.parking()
                .head(letter.generation(), letter.key())
                .map(ParkingLot.Parked::id)
                .orElse(id);
        if (head != id) {
            throw new Conflict(
                    "dead-letter-not-first",
                    "Dead letter " + id + " waits behind dead letter " + head + " of key " + letter.key()
                            + "; redrive that one or the whole key",
                    java.util.Map.of("first", head, "key", letter.key()));
        }
        return drain(letter.generation(), letter.key(), 1);
    }

    /** Re-applies a key's parked events in sequence order, in every generation; unblocks it when none is left. */
    public Redrive redriveKey(String key) {
        Redrive total = Redrive.NOTHING;
        for (ParkingLot.GenerationKey k : handle.parking().queuedKeys()) {
            if (k.key().equals(key)) {
                total = total.plus(drain(k.generation(), key, Integer.MAX_VALUE));
            }
        }
        return total;
    }

    /** Redrives every blocked key; a key that fails again does not stop the others. */
    public Redrive redriveAll() {
        Redrive total = Redrive.NOTHING;
        for (ParkingLot.GenerationKey k : handle.parking().queuedKeys()) {
            total = total.plus(drain(k.generation(), k.key(), Integer.MAX_VALUE));
        }
        return total;
    }

    /**
     * Drops a parked record without applying it: the operator decided the view goes on without it. Its
     * key is unblocked when nothing else of it is parked. Returns whether it existed.
     */
    public boolean discard(long id) {
        return handle.transaction(() -> {
            Optional<DeadLetter> letter = handle.parking().get(id);
            if (letter.isEmpty()) {
                return false;
            }
            DeadLetter l = letter.get();
            if (l.sequence() != null) {
                handle.books().lockKey(l.generation(), l.key());
            }
            handle.parking().remove(id);
            if (l.sequence() != null && handle.parking().queued(l.generation(), l.key()) == 0) {
                handle.books().blocked(l.generation(), l.key(), false);
            }
            return true;
        });
    }

    private Redrive drain(int generation, String key, int limit) {
        Generation g = handle.generation(generation);
        int applied = 0;
        String error = null;
        while (applied < limit) {
            AtomicReference<ParkingLot.Parked> current = new AtomicReference<>();
            Step step;
            try {
                step = handle.transaction(() -> applyHead(g, key, current));
            } catch (RuntimeException e) {
                ParkingLot.Parked failed = current.get();
                if (failed == null) {
                    throw e;
                }
                error = TableGeneration.describe(e);
                String text = error;
                handle.transaction(() -> {
                    handle.parking().failedAgain(failed.id(), text);
                    return null;
                });
                break;
            }
            if (step == Step.EMPTY) {
                break;
            }
            applied++;
            ParkingLot.Parked done = current.get();
            handle.applied(g, key, done.sequence());
        }
        int left = handle.parking().queued(generation, key);
        return new Redrive(applied, left, error);
    }

    private Step applyHead(Generation g, String key, AtomicReference<ParkingLot.Parked> current) {
        Bookkeeping.KeyState state = handle.books().lockKey(g.number(), key);
        Optional<ParkingLot.Parked> head = handle.parking().head(g.number(), key);
        if (head.isEmpty()) {
            handle.books().blocked(g.number(), key, false);
            return Step.EMPTY;
        }
        ParkingLot.Parked parked = head.get();
        current.set(parked);
        // Already applied: a copy republished by the relay, applied before this one was parked.
        if (parked.sequence() > state.lastSequence()) {
            handle.view().apply(parked.event(), handle.store().jdbc(), g);
            handle.books().applied(g.number(), key, parked.sequence());
        }
        handle.parking().remove(parked.id());
        if (handle.parking().queued(g.number(), key) == 0) {
            handle.books().blocked(g.number(), key, false);
        }
        return Step.APPLIED;
    }
}
