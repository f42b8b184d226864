package dev.mercato.search.store;

import static dev.mercato.search.store.ListingFields.ACTIVE;
import static dev.mercato.search.store.ListingFields.AMOUNT;
import static dev.mercato.search.store.ListingFields.AVAILABLE;
import static dev.mercato.search.store.ListingFields.CATALOG_SEQUENCE;
import static dev.mercato.search.store.ListingFields.CATEGORY;
import static dev.mercato.search.store.ListingFields.CATEGORY_PATH;
import static dev.mercato.search.store.ListingFields.CURRENCY;
import static dev.mercato.search.store.ListingFields.DESCRIPTION;
import static dev.mercato.search.store.ListingFields.HIT;
import static dev.mercato.search.store.ListingFields.IN_STOCK;
import static dev.mercato.search.store.ListingFields.KEY;
import static dev.mercato.search.store.ListingFields.LISTED;
import static dev.mercato.search.store.ListingFields.LISTED_AT;
import static dev.mercato.search.store.ListingFields.MERCHANT;
import static dev.mercato.search.store.ListingFields.PRICE;
import static dev.mercato.search.store.ListingFields.RETIRED;
import static dev.mercato.search.store.ListingFields.SKU;
import static dev.mercato.search.store.ListingFields.STATE;
import static dev.mercato.search.store.ListingFields.STOCK_ONLY;
import static dev.mercato.search.store.ListingFields.STOCK_SEQUENCE;
import static dev.mercato.search.store.ListingFields.TITLE;
import static dev.mercato.search.store.ListingFields.TITLE_PLAIN;

import dev.mercato.plane.consume.LogPartition;
import dev.mercato.search.Search;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.Collector;
import org.apache.lucene.search.CollectorManager;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LeafCollector;
import org.apache.lucene.search.Scorable;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopFieldCollector;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * One generation of the listings in a Lucene index directory. One document per SKU, replaced whole on
 * every change; the next offset of every partition lives in the commit's user data, so documents and
 * checkpoints are durable in one step. Readers search near-real-time snapshots that {@link #refresh()}
 * renews.
 */
final class LuceneGeneration implements SearchIndex.Generation {

    private static final String CHECKPOINT = "checkpoint:";

    private final int number;
    private final Path folder;
    private final Directory directory;
    private final Map<LogPartition, Long> checkpoints = new HashMap<>();
    // Written since the last refresh: what the next lookups must see although readers do not yet.
    private final Map<String, Listing> unrefreshed = new HashMap<>();
    private IndexWriter writer;
    private volatile SearcherManager searchers;

    LuceneGeneration(int number, Path folder) {
        this.number = number;
        this.folder = folder;
        Directory opened = null;
        try {
            opened = FSDirectory.open(folder);
            this.directory = opened;
            openWriter();
        } catch (IOException e) {
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new UncheckedIOException("Cannot open the search index in " + folder + ": " + e.getMessage(), e);
        }
    }

    private void openWriter() throws IOException {
        checkpoints.clear();
        if (DirectoryReader.indexExists(directory)) {
            SegmentInfos.readLatestCommit(directory).getUserData().forEach((k, v) -> {
                if (k.startsWith(CHECKPOINT)) {
                    String tp = k.substring(CHECKPOINT.length());
                    int slash = tp.lastIndexOf('/');
                    checkpoints.put(
                            new LogPartition(tp.substring(0, slash), Integer.parseInt(tp.substring(slash + 1))),
                            Long.parseLong(v));
                }
            });
        }
        IndexWriterConfig config = new IndexWriterConfig(ListingAnalysis.forIndex())
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                // Durability is the consumer's explicit commit with its checkpoints, never a side effect.
                .setCommitOnClose(false)
                .setRAMBufferSizeMB(64);
        writer = new IndexWriter(directory, config);
        unrefreshed.clear();
        searchers = new SearcherManager(writer, true, false, null);
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public Map<LogPartition, Long> checkpoints() {
        return Map.copyOf(checkpoints);
    }

    @Override
    public void apply(List<ListingChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                Map<String, Listing> changed = new LinkedHashMap<>();
                for (ListingChange c : changes) {
                    Listing current = changed.get(c.key());
                    if (current == null) {
                        current = unrefreshed.get(c.key());
                    }
                    if (current == null) {
                        current = find(searcher, c.key()).orElseGet(() -> Listing.none(c));
                    }
                    Listing next = current.apply(c);
                    if (next != current) {
                        changed.put(c.key(), next);
                    }
                }
                for (Listing l : changed.values()) {
                    writer.updateDocument(new Term(KEY, l.key()), document(l));
                    unrefreshed.put(l.key(), l);
                }
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
            unrefreshed.clear();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void commit(Map<LogPartition, Long> nextOffsets) {
        Map<LogPartition, Long> merged = new HashMap<>(checkpoints);
        nextOffsets.forEach((p, o) -> merged.merge(p, o, Math::max));
        Map<String, String> data = new TreeMap<>();
        merged.forEach((p, o) -> data.put(CHECKPOINT + p.topic() + "/" + p.partition(), Long.toString(o)));
        try {
            writer.setLiveCommitData(data.entrySet());
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkpoints.clear();
        checkpoints.putAll(merged);
    }

    @Override
    public void rollback() {
        SearcherManager old = searchers;
        try {
            old.close();
        } catch (IOException | RuntimeException e) {
            // Replaced below either way.
        }
        try {
            writer.rollback();
        } catch (IOException | RuntimeException e) {
            // A writer that failed tragically is closed already; rollback is what we wanted anyway.
        }
        try {
            openWriter();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long lastApplied(String streamKey) {
        int colon = streamKey.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        String source = streamKey.substring(0, colon);
        String key = streamKey.substring(colon + 1);
        return read(s -> find(s, key)
                .map(l -> switch (source) {
                    case "catalog" -> l.catalogSequence();
                    case "inventory" -> l.stockSequence();
                    default -> 0L;
                })
                .orElse(0L));
    }

    @Override
    public long documents() {
        return read(s -> (long) s.getIndexReader().numDocs());
    }

    @Override
    public Map<String, Object> details() {
        return read(s -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("documents", (long) s.getIndexReader().numDocs());
            d.put("deletedDocuments", (long) s.getIndexReader().numDeletedDocs());
            d.put("segments", s.getIndexReader().leaves().size());
            return d;
        });
    }

    @Override
    public Search.Results search(Search.Query q) {
        return read(s -> {
            // No page holds more than the index does, however far the cursor points.
            int wanted = (int)
                    Math.min((long) q.offset() + q.limit(), s.getIndexReader().maxDoc());
            Page page = s.search(ListingQueries.withoutCategory(q), new PageCollector(q.category(), wanted, q));
            Counts counts = page.counts;
            List<Search.Hit> items = hits(s, page.top.scoreDocs, q.offset());
            int next = q.offset() + items.size() < counts.total ? q.offset() + items.size() : -1;
            Map<String, Map<String, Long>> facets = new LinkedHashMap<>();
            facets.put("category", new TreeMap<>(counts.categories));
            Map<String, Long> stock = new TreeMap<>();
            if (counts.outOfStock > 0) {
                stock.put("false", counts.outOfStock);
            }
            if (counts.inStock > 0) {
                stock.put("true", counts.inStock);
            }
            facets.put("inStock", stock);
            return new Search.Results(items, facets, counts.total, next);
        });
    }

    /** The page's hits from their display doc values, read in document order per segment. */
    private static List<Search.Hit> hits(IndexSearcher s, ScoreDoc[] docs, int offset) throws IOException {
        if (offset >= docs.length) {
            return List.of();
        }
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        Integer[] order = new Integer[docs.length - offset];
        for (int i = 0; i < order.length; i++) {
            order[i] = offset + i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> docs[i].doc));
        Search.Hit[] hits = new Search.Hit[order.length];
        int leafIndex = -1;
        BinaryDocValues values = null;
        LeafReaderContext leaf = null;
        for (int i : order) {
            int doc = docs[i].doc;
            int l = ReaderUtil.subIndex(doc, leaves);
            if (l != leafIndex) {
                leafIndex = l;
                leaf = leaves.get(l);
                values = DocValues.getBinary(leaf.reader(), HIT);
            }
            if (!values.advanceExact(doc - leaf.docBase)) {
                throw new IllegalStateException("listed document " + doc + " has no display values");
            }
            hits[i - offset] = ListingHits.decode(values.binaryValue());
        }
        return List.of(hits);
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.rollback();
            directory.close();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not close the search index in " + folder + ": " + e, e);
        }
    }

    private interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** On the newest snapshot; a snapshot replaced by a rollback under a reader is simply taken again. */
    private <T> T read(Read<T> read) {
        for (int attempt = 1; ; attempt++) {
            SearcherManager m = searchers;
            IndexSearcher s;
            try {
                s = m.acquire();
            } catch (AlreadyClosedException e) {
                if (attempt >= 3) {
                    throw e;
                }
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return read.apply(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    m.release(s);
                } catch (IOException e) {
                    // The snapshot was released as far as this reader is concerned.
                }
            }
        }
    }

    private static Optional<Listing> find(IndexSearcher searcher, String key) throws IOException {
        BytesRef id = new BytesRef(key);
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            LeafReader reader = leaf.reader();
            Terms terms = reader.terms(KEY);
            if (terms == null) {
                continue;
            }
            TermsEnum te = terms.iterator();
            if (!te.seekExact(id)) {
                continue;
            }
            Bits live = reader.getLiveDocs();
            PostingsEnum docs = te.postings(null, PostingsEnum.NONE);
            for (int d = docs.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = docs.nextDoc()) {
                if (live == null || live.get(d)) {
                    return Optional.of(read(reader.storedFields().document(d)));
                }
            }
        }
        return Optional.empty();
    }

    static Document document(Listing l) {
        Document doc = new Document();
        doc.add(new KeywordField(KEY, l.key(), Field.Store.YES));
        doc.add(new KeywordField(SKU, l.sku(), Field.Store.YES));
        doc.add(new StoredField(MERCHANT, l.merchant()));
        doc.add(new StoredField(CATALOG_SEQUENCE, l.catalogSequence()));
        doc.add(new StoredField(STOCK_SEQUENCE, l.stockSequence()));
        if (l.available() != null) {
            doc.add(new StoredField(AVAILABLE, l.available()));
        }
        doc.add(new KeywordField(IN_STOCK, Boolean.toString(l.inStock()), Field.Store.NO));
        Listing.Product p = l.product();
        doc.add(new StringField(STATE, p == null ? STOCK_ONLY : p.active() ? LISTED : RETIRED, Field.Store.NO));
        if (p != null) {
            doc.add(new TextField(TITLE, p.title(), Field.Store.YES));
            doc.add(new TextField(TITLE_PLAIN, p.title(), Field.Store.NO));
            doc.add(new TextField(DESCRIPTION, p.description(), Field.Store.YES));
            doc.add(new KeywordField(CATEGORY, p.category(), Field.Store.YES));
            for (int slash = p.category().indexOf('/');
                    slash > 0;
                    slash = p.category().indexOf('/', slash + 1)) {
                doc.add(new StringField(CATEGORY_PATH, p.category().substring(0, slash), Field.Store.NO));
            }
            doc.add(new StringField(CATEGORY_PATH, p.category(), Field.Store.NO));
            doc.add(new LongField(PRICE, ListingQueries.priceUnits(p.price()), Field.Store.NO));
            doc.add(new StoredField(AMOUNT, p.price().toPlainString()));
            doc.add(new StoredField(CURRENCY, p.currency()));
            doc.add(new StoredField(ACTIVE, p.active() ? 1 : 0));
            doc.add(new LongField(LISTED_AT, p.listedAt().toEpochMilli(), Field.Store.YES));
            doc.add(new BinaryDocValuesField(HIT, ListingHits.encode(l)));
        }
        return doc;
    }

    static Listing read(Document doc) {
        Listing.Product product = null;
        if (doc.get(TITLE) != null) {
            product = new Listing.Product(
                    doc.get(TITLE),
                    doc.get(DESCRIPTION),
                    doc.get(CATEGORY),
                    new BigDecimal(doc.get(AMOUNT)),
                    doc.get(CURRENCY),
                    doc.getField(ACTIVE).numericValue().intValue() == 1,
                    Instant.ofEpochMilli(doc.getField(LISTED_AT).numericValue().longValue()));
        }
        IndexableField available = doc.getField(AVAILABLE);
        return new Listing(
                doc.get(KEY),
                doc.get(MERCHANT),
                doc.get(SKU),
                product,
                available == null ? null : available.numericValue().intValue(),
                doc.getField(CATALOG_SEQUENCE).numericValue().longValue(),
                doc.getField(STOCK_SEQUENCE).numericValue().longValue());
    }

    /** What the facets and the total count, from one pass over the hits of every filter but the category. */
    private static final class Counts {
        final Map<String, Long> categories = new HashMap<>();
        long total;
        long inStock;
        long outOfStock;
    }

    /** A page of hits and the counts beside it. */
    private record Page(TopFieldDocs top, Counts counts) {}

    /**
     * One pass over the hits of every filter but the category: counts each category over them (so a
     * client can widen or switch it), and hands those within the category to the page's collector while
     * counting them in stock or not, which is also the total. The page's collector never skips hits
     * (its threshold is unbounded), or the counts would miss them.
     */
    private static final class PageCollector implements CollectorManager<PageCollector.Both, Page> {

        private final Optional<String> category;
        private final TopFieldCollectorManager top;

        PageCollector(Optional<String> category, int wanted, Search.Query q) {
            this.category = category;
            this.top =
                    new TopFieldCollectorManager(ListingQueries.sort(q), Math.max(1, wanted), null, Integer.MAX_VALUE);
        }

        @Override
        public Both newCollector() throws IOException {
            return new Both(category, top.newCollector());
        }

        @Override
        public Page reduce(Collection<Both> collectors) throws IOException {
            Counts all = new Counts();
            List<TopFieldCollector> tops = new ArrayList<>();
            for (Both c : collectors) {
                c.counts.categories.forEach((k, v) -> all.categories.merge(k, v, Long::sum));
                all.total += c.counts.total;
                all.inStock += c.counts.inStock;
                all.outOfStock += c.counts.outOfStock;
                tops.add(c.top);
            }
            return new Page(top.reduce(tops), all);
        }

        static final class Both implements Collector {

            private static final BytesRef TRUE = new BytesRef("true");

            final Counts counts = new Counts();
            final TopFieldCollector top;
            private final Optional<String> category;

            Both(Optional<String> category, TopFieldCollector top) {
                this.category = category;
                this.top = top;
            }

            @Override
            public ScoreMode scoreMode() {
                return top.scoreMode();
            }

            @Override
            public LeafCollector getLeafCollector(LeafReaderContext context) throws IOException {
                LeafReader reader = context.reader();
                SortedSetDocValues categories = DocValues.getSortedSet(reader, CATEGORY);
                SortedSetDocValues stock = DocValues.getSortedSet(reader, IN_STOCK);
                String[] labels = labels(reader, categories);
                long[] perCategory = new long[labels.length];
                // Which of this segment's categories lie within the filter; null when there is none.
                boolean[] within = null;
                if (category.isPresent()) {
                    String c = category.get();
                    String below = c + "/";
                    within = new boolean[labels.length];
                    for (int ord = 0; ord < labels.length; ord++) {
                        within[ord] = labels[ord].equals(c) || labels[ord].startsWith(below);
                    }
                }
                boolean[] inFilter = within;
                long inStockOrd = stock.lookupTerm(TRUE);
                long[] stockCounts = new long[2];
                LeafCollector page = top.getLeafCollector(context);
                return new LeafCollector() {
                    @Override
                    public void setScorer(Scorable scorer) throws IOException {
                        page.setScorer(scorer);
                    }

                    @Override
                    public void collect(int doc) throws IOException {
                        if (!categories.advanceExact(doc)) {
                            return;
                        }
                        int ord = (int) categories.nextOrd();
                        perCategory[ord]++;
                        if (inFilter == null || inFilter[ord]) {
                            boolean in = inStockOrd >= 0 && stock.advanceExact(doc) && stock.nextOrd() == inStockOrd;
                            stockCounts[in ? 1 : 0]++;
                            page.collect(doc);
                        }
                    }

                    @Override
                    public void finish() throws IOException {
                        page.finish();
                        for (int ord = 0; ord < labels.length; ord++) {
                            if (perCategory[ord] > 0) {
                                counts.categories.merge(labels[ord], perCategory[ord], Long::sum);
                            }
                        }
                        counts.outOfStock += stockCounts[0];
                        counts.inStock += stockCounts[1];
                        counts.total += stockCounts[0] + stockCounts[1];
                    }
                };
            }
        }
    }

    // A segment's category paths by ordinal never change while it lives: decoded once, not per query.
    private static final Map<Object, String[]> LABELS = new ConcurrentHashMap<>();

    private static String[] labels(LeafReader reader, SortedSetDocValues categories) throws IOException {
        IndexReader.CacheHelper core = reader.getCoreCacheHelper();
        if (core == null) {
            return decode(categories);
        }
        String[] labels = LABELS.get(core.getKey());
        if (labels == null) {
            labels = decode(categories);
            if (LABELS.putIfAbsent(core.getKey(), labels) == null) {
                core.addClosedListener(LABELS::remove);
            }
        }
        return labels;
    }

    private static String[] decode(SortedSetDocValues categories) throws IOException {
        String[] labels = new String[(int) categories.getValueCount()];
        for (int ord = 0; ord < labels.length; ord++) {
            labels[ord] = categories.lookupOrd(ord).utf8ToString();
        }
        return labels;
    }
}
