package dev.mercato.cart.store;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.events.Event;
import dev.mercato.plane.events.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** An outbox entry as bytes: the whole envelope, so the relay publishes it without the cart. */
final class EventBytes {

    static final byte FORMAT = 1;

    // Parsed once each: an outbox holds few types and merchants, and many events of each.
    private static final Map<String, EventType> TYPES = new ConcurrentHashMap<>();
    private static final Map<String, MerchantId> MERCHANTS = new ConcurrentHashMap<>();

    private EventBytes() {}

    static byte[] encode(Event e) {
        byte[] data = e.data().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + data.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(e.id().getMostSignificantBits());
            out.writeLong(e.id().getLeastSignificantBits());
            out.writeUTF(e.type().wire());
            out.writeLong(e.time().getEpochSecond());
            out.writeInt(e.time().getNano());
            out.writeUTF(e.merchant().value());
            out.writeUTF(e.aggregateId());
            out.writeLong(e.sequence());
            out.writeUTF(e.traceId());
            out.writeInt(data.length);
            out.write(data);
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
        return bytes.toByteArray();
    }

    static Event decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException(
                        "An outbox entry is in format " + format + "; this version reads " + FORMAT);
            }
            UUID id = new UUID(in.readLong(), in.readLong());
            EventType type = TYPES.computeIfAbsent(in.readUTF(), EventType::parse);
            Instant time = Instant.ofEpochSecond(in.readLong(), in.readInt());
            MerchantId merchant = MERCHANTS.computeIfAbsent(in.readUTF(), MerchantId::of);
            String aggregate = in.readUTF();
            long sequence = in.readLong();
            String trace = in.readUTF();
            byte[] data = new byte[in.readInt()];
            in.readFully(data);
            return new Event(
                    id, type, time, merchant, aggregate, sequence, trace, new String(data, StandardCharsets.UTF_8));
        } catch (IOException x) {
            throw new IllegalStateException("An outbox entry is damaged: " + x.getMessage(), x);
        }
    }
}
