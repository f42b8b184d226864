package dev.mercato.search.store;

import dev.mercato.search.Search;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.util.BytesRef;

/** A listing as a hit shows it, in the compact form the index keeps beside each listed document. */
final class ListingHits {

    private ListingHits() {}

    static BytesRef encode(Listing l) {
        Listing.Product p = l.product();
        ByteBuffersDataOutput out = new ByteBuffersDataOutput();
        try {
            out.writeString(l.sku());
            out.writeString(l.merchant());
            out.writeString(p.title());
            out.writeString(p.category());
            out.writeString(p.price().toPlainString());
            out.writeString(p.currency());
            // 0 for a SKU inventory never reported, else available + 1.
            out.writeVInt(l.available() == null ? 0 : l.available() + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BytesRef(out.toArrayCopy());
    }

    static Search.Hit decode(BytesRef bytes) {
        try {
            return read(new ByteArrayDataInput(bytes.bytes, bytes.offset, bytes.length));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Search.Hit read(ByteArrayDataInput in) throws IOException {
        String sku = in.readString();
        String merchant = in.readString();
        String title = in.readString();
        String category = in.readString();
        BigDecimal amount = new BigDecimal(in.readString());
        String currency = in.readString();
        int stored = in.readVInt();
        Integer available = stored == 0 ? null : stored - 1;
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return new Search.Hit(
                sku,
                merchant,
                title,
                category,
                amount.setScale(digits, RoundingMode.HALF_EVEN),
                currency,
                available != null && available > 0,
                available);
    }
}
