package dev.mercato.search.web;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.web.Cursor;
import dev.mercato.plane.web.MoneyJson;
import dev.mercato.search.Search;
import dev.mercato.search.Search.Query;
import dev.mercato.search.Search.Sort;
import dev.mercato.search.store.ListingsView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Public discovery, served from the search view with its freshness. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Search", description = "Public product discovery with facets, from the search view.")
class SearchController {

    private final Search search;
    private final ViewReads reads;

    SearchController(Search search, ViewReads reads) {
        this.search = search;
        this.reads = reads;
    }

    record HitJson(String sku, String merchant, String title, String category, MoneyJson price, boolean inStock) {}

    record ResultsJson(List<HitJson> items, Map<String, Map<String, Long>> facets, long total, String next) {}

    @GetMapping("/search")
    @Operation(
            summary = "Search products",
            operationId = "searchProducts",
            description = "Public. Full text (q), category, price range and stock filters; sort relevance, price-asc,"
                    + " price-desc or newest. From the search view: fast but it may lag. Mercato-Freshness says how far"
                    + " behind it is; send the Mercato-Consistency-Token of a catalog write to see it.")
    @SecurityRequirements
    @ApiResponse(
            responseCode = "200",
            description = "A page of hits with facets and the total; next is the following page's cursor, absent on"
                    + " the last",
            headers =
                    @Header(
                            name = ViewReads.FRESHNESS_HEADER,
                            description = "lag-ms=<n>; as-of=<time>, with ; stale when the read may miss writes"
                                    + " (a token's write not applied in time, or a lag the view cannot tell)",
                            schema = @Schema(type = "string")))
    ResponseEntity<ResultsJson> search(
            @RequestParam(required = false) String q,
            @RequestParam(required = false) String category,
            @RequestParam(required = false) BigDecimal minPrice,
            @RequestParam(required = false) BigDecimal maxPrice,
            @RequestParam(required = false) Boolean inStock,
            @RequestParam(defaultValue = "relevance") String sort,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) String cursor,
            @Parameter(
                            description = "Tokens of your own writes (comma-separated): the view waits up to 2 s for"
                                    + " them, else answers marked stale")
                    @RequestHeader(name = ViewReads.TOKEN_HEADER, required = false)
                    String tokens) {
        if (q != null && q.length() > 200) {
            throw new InvalidInput("q", "must be at most 200 characters");
        }
        if (category != null && !category.matches("[a-z0-9-]+(/[a-z0-9-]+)*")) {
            throw new InvalidInput("category", "must be a path like home/kitchen");
        }
        if (limit < 1 || limit > 100) {
            throw new InvalidInput("limit", "must be 1-100, got " + limit);
        }
        if (minPrice != null && minPrice.signum() < 0) {
            throw new InvalidInput("minPrice", "must not be negative");
        }
        if (minPrice != null && maxPrice != null && minPrice.compareTo(maxPrice) > 0) {
            throw new InvalidInput("maxPrice", "must not be below minPrice");
        }
        Sort order;
        try {
            order = Sort.valueOf(sort.toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new InvalidInput("sort", "must be relevance, price-asc, price-desc or newest");
        }
        int offset = 0;
        if (cursor != null) {
            try {
                offset = Integer.parseInt(Cursor.decode(cursor));
            } catch (NumberFormatException e) {
                throw new InvalidInput("cursor", "is not a cursor this API returned");
            }
        }
        ViewReads.Freshness freshness = reads.before(ListingsView.NAME, tokens);
        Search.Results results = search.search(new Query(
                Optional.ofNullable(q).filter(s -> !s.isBlank()),
                Optional.ofNullable(category),
                Optional.ofNullable(minPrice),
                Optional.ofNullable(maxPrice),
                Optional.ofNullable(inStock),
                order,
                limit,
                Math.max(0, offset)));
        List<HitJson> items = results.items().stream()
                .map(h -> new HitJson(
                        h.sku(),
                        h.merchant(),
                        h.title(),
                        h.category(),
                        new MoneyJson(h.price().toPlainString(), h.currency()),
                        h.inStock()))
                .toList();
        String next = results.nextOffset() < 0 ? null : Cursor.encode(Integer.toString(results.nextOffset()));
        return ResponseEntity.ok()
                .header(ViewReads.FRESHNESS_HEADER, freshness.header())
                .body(new ResultsJson(items, results.facets(), results.total(), next));
    }
}
