package dev.mercato.catalog.web;

import dev.mercato.catalog.Catalog;
import dev.mercato.catalog.Product;
import dev.mercato.catalog.ProductDraft;
import dev.mercato.catalog.Sku;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.MerchantId;
import dev.mercato.plane.Money;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.consume.ViewReads;
import dev.mercato.plane.events.ConsistencyToken;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import dev.mercato.plane.web.Cursor;
import dev.mercato.plane.web.MoneyJson;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Public reads of the catalog, from its source of truth. */
@RestController
@RequestMapping("/api/v1")
@Tag(
        name = "Catalog",
        description = "Products and categories from the catalog's source of truth: public reads; writes by the"
                + " owning merchant or an admin.")
class ProductController {

    private final Catalog catalog;

    ProductController(Catalog catalog) {
        this.catalog = catalog;
    }

    record ProductJson(
            String sku,
            String merchant,
            String title,
            String description,
            String category,
            MoneyJson price,
            Map<String, String> attributes,
            String status,
            long version,
            Instant updatedAt) {

        static ProductJson of(Product p) {
            return new ProductJson(
                    p.sku().value(),
                    p.merchant().value(),
                    p.title(),
                    p.description(),
                    p.category(),
                    MoneyJson.of(p.price()),
                    p.attributes(),
                    p.status(),
                    p.version(),
                    p.updatedAt());
        }
    }

    record ProductPage(List<ProductJson> items, String next) {}

    record CategoryJson(String path, long products) {}

    /**
     * A product from the catalog. Cache-friendly: the ETag is the product's version, so a client or a
     * shared cache revalidates with {@code If-None-Match} and gets a 304 without a body while unchanged.
     */
    @GetMapping("/products/{sku}")
    @Operation(
            summary = "Get a product",
            operationId = "getProduct",
            description = "Public. The ETag is the product's version: revalidate with If-None-Match to get a 304"
                    + " without a body while it is unchanged.")
    @SecurityRequirements
    @ApiResponse(
            responseCode = "200",
            description = "The product",
            headers = {
                @Header(
                        name = "ETag",
                        description = "The product's version, quoted",
                        schema = @Schema(type = "string")),
                @Header(name = "Cache-Control", description = "max-age=5, public", schema = @Schema(type = "string"))
            })
    @ApiResponse(
            responseCode = "304",
            description = "Unchanged since the ETag sent in If-None-Match; no body",
            headers = {
                @Header(
                        name = "ETag",
                        description = "The product's version, quoted",
                        schema = @Schema(type = "string")),
                @Header(name = "Cache-Control", description = "max-age=5, public", schema = @Schema(type = "string"))
            },
            content = @Content)
    ResponseEntity<ProductJson> product(
            @PathVariable String sku,
            @Parameter(description = "An ETag this API returned for the product (\"3\" or W/\"3\")")
                    @RequestHeader(name = "If-None-Match", required = false)
                    String ifNoneMatch) {
        Product product = catalog.product(Sku.of(sku)).orElseThrow(() -> new NotFound("product", sku));
        String etag = "\"" + product.version() + "\"";
        CacheControl cache = CacheControl.maxAge(Duration.ofSeconds(5)).cachePublic();
        if (ifNoneMatch != null && (ifNoneMatch.equals(etag) || ifNoneMatch.equals("W/" + etag))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(etag)
                    .cacheControl(cache)
                    .build();
        }
        return ResponseEntity.ok().eTag(etag).cacheControl(cache).body(ProductJson.of(product));
    }

    /** Takes a product off sale: it stays readable with status retired, and can no longer be bought. */
    @DeleteMapping("/products/{sku}")
    @Operation(
            summary = "Retire a product",
            operationId = "retireProduct",
            description = "The owning merchant or an admin. The product stays readable with status retired and can"
                    + " no longer be bought.")
    @ApiResponse(
            responseCode = "200",
            description = "The retired product",
            headers =
                    @Header(
                            name = ViewReads.TOKEN_HEADER,
                            description = "Tokens of the events this write produced: send them back to read it from"
                                    + " derived views (search)",
                            schema = @Schema(type = "string")))
    ResponseEntity<ProductJson> retire(@PathVariable String sku, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        Sku id = Sku.of(sku);
        Product existing = catalog.product(id).orElseThrow(() -> new NotFound("product", sku));
        MerchantId merchant = caller.isAdmin() ? existing.merchant() : caller.merchantFor(null);
        List<ConsistencyToken> tokens = catalog.retire(merchant, id);
        var response = ResponseEntity.ok();
        if (!tokens.isEmpty()) {
            response.header(ViewReads.TOKEN_HEADER, ConsistencyToken.header(tokens));
        }
        return response.body(ProductJson.of(catalog.product(id).orElseThrow()));
    }

    /** The caller's own products (an admin names the merchant), retired ones included. */
    @GetMapping("/merchants/me/products")
    @Operation(
            summary = "List my products",
            operationId = "listMyProducts",
            description = "Merchants (their own) and admins (naming the merchant), retired products included.")
    @ApiResponse(
            responseCode = "200",
            description = "A page of products; next is the following page's cursor, absent on the last")
    ProductPage mine(
            @RequestParam(required = false) String merchant,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor,
            Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        Optional<Sku> after = Optional.ofNullable(cursor).map(Cursor::decode).map(Sku::of);
        List<Product> page = catalog.productsOf(caller.merchantFor(merchant), after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().sku().value()) : null;
        return new ProductPage(page.stream().map(ProductJson::of).toList(), next);
    }

    @GetMapping("/products")
    @Operation(
            summary = "List products",
            operationId = "listProducts",
            description = "Public; optionally one category.")
    @SecurityRequirements
    @ApiResponse(
            responseCode = "200",
            description = "A page of products; next is the following page's cursor, absent on the last")
    ProductPage products(
            @RequestParam(required = false) String category,
            @RequestParam(defaultValue = "50") int limit,
            @RequestParam(required = false) String cursor) {
        if (category != null && !category.matches("[a-z0-9-]+(/[a-z0-9-]+)*")) {
            throw new InvalidInput("category", "must be a path like home/kitchen");
        }
        Optional<Sku> after = Optional.ofNullable(cursor).map(Cursor::decode).map(Sku::of);
        List<Product> page = catalog.products(Optional.ofNullable(category), after, limit);
        String next = page.size() == limit ? Cursor.encode(page.getLast().sku().value()) : null;
        return new ProductPage(page.stream().map(ProductJson::of).toList(), next);
    }

    record MoneyInput(String amount, String currency) {}

    record ProductInput(
            String sku,
            String merchant,
            String title,
            String description,
            String category,
            MoneyInput price,
            Map<String, String> attributes) {}

    /** Creates or updates a product of the caller's merchant (an admin names the merchant). */
    @PostMapping("/products")
    @Operation(
            summary = "Create or update a product",
            operationId = "upsertProduct",
            description = "Merchants (their own products) and admins (naming the merchant). 201 when the SKU is new,"
                    + " 200 when it existed.")
    @ApiResponse(
            responseCode = "200",
            description = "The product, updated",
            headers =
                    @Header(
                            name = ViewReads.TOKEN_HEADER,
                            description = "Tokens of the events this write produced: send them back to read it from"
                                    + " derived views (search)",
                            schema = @Schema(type = "string")))
    @ApiResponse(
            responseCode = "201",
            description = "The product, created",
            headers =
                    @Header(
                            name = ViewReads.TOKEN_HEADER,
                            description = "Tokens of the events this write produced: send them back to read it from"
                                    + " derived views (search)",
                            schema = @Schema(type = "string")))
    ResponseEntity<ProductJson> upsert(@RequestBody ProductInput input, Caller caller) {
        caller.requireRole(Role.MERCHANT, Role.ADMIN);
        MerchantId merchant = caller.merchantFor(input.merchant());
        Sku sku = Sku.of(required(input.sku(), "sku"));
        MoneyInput price = required(input.price(), "price");
        ProductDraft draft = new ProductDraft(
                sku,
                merchant,
                input.title(),
                input.description(),
                input.category(),
                Money.of(required(price.amount(), "price.amount"), required(price.currency(), "price.currency")),
                input.attributes());
        boolean existed = catalog.product(sku).isPresent();
        List<ConsistencyToken> tokens = catalog.upsert(List.of(draft));
        Product saved = catalog.product(sku).orElseThrow();
        var response = existed ? ResponseEntity.ok() : ResponseEntity.status(HttpStatus.CREATED);
        if (!tokens.isEmpty()) {
            response.header(ViewReads.TOKEN_HEADER, ConsistencyToken.header(tokens));
        }
        return response.body(ProductJson.of(saved));
    }

    static <T> T required(T value, String field) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new InvalidInput(field, "is required");
        }
        return value;
    }

    @GetMapping("/categories")
    @Operation(
            summary = "List categories",
            operationId = "listCategories",
            description = "Public: every category path with its number of products.")
    @SecurityRequirements
    @ApiResponse(
            responseCode = "200",
            description = "The categories",
            content =
                    @Content(
                            mediaType = "application/json",
                            array = @ArraySchema(schema = @Schema(implementation = CategoryJson.class))))
    List<CategoryJson> categories() {
        return catalog.categories().stream()
                .map(c -> new CategoryJson(c.path(), c.products()))
                .toList();
    }
}
