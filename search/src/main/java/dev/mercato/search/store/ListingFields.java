package dev.mercato.search.store;

/** The Lucene fields of a listing document. */
final class ListingFields {

    private ListingFields() {}

    /** {@code merchant/sku}: the document's id. Keyword, stored. */
    static final String KEY = "key";
    /** Keyword with doc values: the tie-break of every order, as the SKU was before. Stored. */
    static final String SKU = "sku";

    static final String MERCHANT = "merchant";
    /** listed, retired or stock-only; only listed documents are found. */
    static final String STATE = "state";

    static final String TITLE = "title";
    static final String TITLE_PLAIN = "title_plain";
    static final String DESCRIPTION = "description";
    /** The exact path, with doc values for the facet counts. Stored. */
    static final String CATEGORY = "category";
    /** The path and each of its ancestors, so a category filter is one term. */
    static final String CATEGORY_PATH = "category_path";
    /**
     * The price in ten-thousandths of the currency's major unit: every ISO 4217 minor unit (0 to 4 digits)
     * divides it exactly, so ranges and orders compare amounts as decimals do, in integers.
     */
    static final String PRICE = "price";
    /** The amount as the catalog wrote it, and its currency: what a hit shows. Stored. */
    static final String AMOUNT = "amount";

    static final String CURRENCY = "currency";
    /** "true" or "false", with doc values for the facet counts; indicative only. */
    static final String IN_STOCK = "in_stock";

    static final String AVAILABLE = "available";
    /** When the product was first upserted, epoch millis: "newest". Stored. */
    static final String LISTED_AT = "listed_at";

    static final String ACTIVE = "active";
    /** What a hit shows, encoded in one binary doc value: cheaper to read for a page than stored fields. */
    static final String HIT = "hit";
    /** The last sequence applied from each stream of the SKU. Stored. */
    static final String CATALOG_SEQUENCE = "catalog_seq";

    static final String STOCK_SEQUENCE = "stock_seq";

    static final String LISTED = "listed";
    static final String RETIRED = "retired";
    static final String STOCK_ONLY = "stock-only";
}
