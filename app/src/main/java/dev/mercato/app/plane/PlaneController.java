package dev.mercato.app.plane;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.consume.DeadLetter;
import dev.mercato.plane.consume.DeadLetters;
import dev.mercato.plane.consume.DerivedView;
import dev.mercato.plane.consume.Generation;
import dev.mercato.plane.consume.PartitionFreshness;
import dev.mercato.plane.consume.Redrive;
import dev.mercato.plane.consume.ViewFreshness;
import dev.mercato.plane.consume.ViewRegistry;
import dev.mercato.plane.outbox.OutboxStatus;
import dev.mercato.plane.outbox.Outboxes;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The data plane's operations API (admins only, enforced by the security filter chain). */
@RestController
@RequestMapping("/api/v1/plane")
@Tag(
        name = "Data plane",
        description = "Operating the data plane, admins only: outboxes, derived views (lag, rebuild, pause, resume)"
                + " and the events they parked as dead letters.")
class PlaneController {

    private final Outboxes outboxes;
    private final ViewRegistry views;

    PlaneController(Outboxes outboxes, ViewRegistry views) {
        this.outboxes = outboxes;
        this.views = views;
    }

    record OutboxJson(
            String capability,
            long unpublished,
            long oldestUnpublishedAgeMs,
            boolean alert,
            String relay,
            long publishedSinceStart,
            String lastError) {

        static OutboxJson of(OutboxStatus s) {
            return new OutboxJson(
                    s.capability(),
                    s.unpublished(),
                    s.oldestUnpublishedAge().toMillis(),
                    s.alert(),
                    s.relay().name().toLowerCase(),
                    s.published(),
                    s.lastError().isEmpty() ? null : s.lastError());
        }
    }

    record Items<T>(List<T> items) {}

    @GetMapping("/outbox")
    @Operation(
            summary = "List the outboxes",
            operationId = "listOutboxes",
            description = "Admins only: per capability, the events not yet published to the log and how old the"
                    + " oldest is.")
    @ApiResponse(
            responseCode = "200",
            description = "Every capability's outbox",
            content =
                    @Content(
                            mediaType = "application/json",
                            schemaProperties =
                                    @SchemaProperty(
                                            name = "items",
                                            array = @ArraySchema(schema = @Schema(implementation = OutboxJson.class)))))
    Items<OutboxJson> outbox() {
        return new Items<>(outboxes.status().stream().map(OutboxJson::of).toList());
    }

    /** Offsets and lags this process does not know (yet) are null, never 0. */
    record PartitionJson(
            String topic,
            int partition,
            long appliedOffset,
            Long logEndOffset,
            Long lagEvents,
            Long lagMs,
            Instant lastAppliedAt,
            String state,
            boolean started) {}

    /**
     * @param lagEvents null while the view holds no partitions or has not read a log end: unknown, not 0
     * @param lagMs null while unknown
     * @param started whether the view holds its partitions and has applied up to the log end it read at
     *     its start (what readiness waits for)
     */
    record ViewJson(
            String view,
            int generation,
            boolean active,
            String state,
            Long lagEvents,
            Long lagMs,
            boolean started,
            Instant lastAppliedAt,
            List<PartitionJson> partitions,
            long skippedEvents) {

        /** @param skipped poison records the view dropped since start (views that park them say 0) */
        static ViewJson of(ViewFreshness f, long skipped) {
            List<PartitionJson> partitions = f.partitions().stream()
                    .map(p -> new PartitionJson(
                            p.topic(),
                            p.partition(),
                            p.appliedOffset(),
                            known(p.logEndOffset()),
                            known(p.lagEvents()),
                            known(p.lagMillis()),
                            p.lastAppliedAt(),
                            p.state().name().toLowerCase(),
                            p.started()))
                    .toList();
            Instant last = f.partitions().stream()
                    .map(PartitionFreshness::lastAppliedAt)
                    .filter(java.util.Objects::nonNull)
                    .max(Instant::compareTo)
                    .orElse(null);
            return new ViewJson(
                    f.view(),
                    f.generation(),
                    f.active(),
                    f.state().name().toLowerCase(),
                    known(f.lagEvents()),
                    known(f.lagMillis()),
                    f.started(),
                    last,
                    partitions,
                    skipped);
        }
    }

    private static Long known(long value) {
        return value < 0 ? null : value;
    }

    @GetMapping("/views")
    @Operation(
            summary = "List the derived views",
            operationId = "listViews",
            description = "Admins only: every generation of every view with its state and lag per partition; a lag"
                    + " not known (yet) is null, never 0.")
    @ApiResponse(
            responseCode = "200",
            description = "Every view generation",
            content =
                    @Content(
                            mediaType = "application/json",
                            schemaProperties =
                                    @SchemaProperty(
                                            name = "items",
                                            array = @ArraySchema(schema = @Schema(implementation = ViewJson.class)))))
    Items<ViewJson> views() {
        List<ViewJson> all = new ArrayList<>();
        views.views().forEach(v -> all.addAll(json(v)));
        return new Items<>(all);
    }

    private static List<ViewJson> json(DerivedView view) {
        long skipped = view.skippedEvents();
        return view.freshness().stream().map(f -> ViewJson.of(f, skipped)).toList();
    }

    record RebuildJson(String view, int generation, String state) {}

    @PostMapping("/views/{view}/rebuild")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(
            summary = "Rebuild a view from the log",
            operationId = "rebuildView",
            description = "Admins only. Starts a new generation that replays the log in the background; the current"
                    + " one keeps answering until the new one has caught up.")
    @ApiResponse(responseCode = "202", description = "The rebuild started: the generation being built")
    @ApiResponse(
            responseCode = "409",
            description = "view-not-rebuildable: the view writes into its capability's own tables, which hold facts"
                    + " the log does not; rebuild-in-progress: a rebuild of the view is under way; view-stopped: the"
                    + " view is not running")
    RebuildJson rebuild(@PathVariable String view) {
        Generation g = known(view).rebuild();
        return new RebuildJson(view, g.number(), "rebuilding");
    }

    @PostMapping("/views/{view}/pause")
    @Operation(
            summary = "Pause a view",
            operationId = "pauseView",
            description = "Admins only: the view stops applying the log (and fetching from it) until resumed; reads"
                    + " go on and report a growing lag.")
    @ApiResponse(
            responseCode = "200",
            description = "The view's generations, paused",
            content =
                    @Content(
                            mediaType = "application/json",
                            schemaProperties =
                                    @SchemaProperty(
                                            name = "items",
                                            array = @ArraySchema(schema = @Schema(implementation = ViewJson.class)))))
    Items<ViewJson> pause(@PathVariable String view) {
        DerivedView v = known(view);
        v.pause();
        return new Items<>(json(v));
    }

    @PostMapping("/views/{view}/resume")
    @Operation(
            summary = "Resume a view",
            operationId = "resumeView",
            description = "Admins only: the view applies the log again from where it paused.")
    @ApiResponse(
            responseCode = "200",
            description = "The view's generations, running",
            content =
                    @Content(
                            mediaType = "application/json",
                            schemaProperties =
                                    @SchemaProperty(
                                            name = "items",
                                            array = @ArraySchema(schema = @Schema(implementation = ViewJson.class)))))
    Items<ViewJson> resume(@PathVariable String view) {
        DerivedView v = known(view);
        v.resume();
        return new Items<>(json(v));
    }

    record DeadLetterJson(
            String id,
            String view,
            int generation,
            String key,
            String reason,
            String topic,
            int partition,
            long offset,
            Long sequence,
            String eventId,
            String eventType,
            String error,
            int attempts,
            Instant parkedAt,
            Instant lastAttemptAt) {

        static DeadLetterJson of(String view, DeadLetter d) {
            return new DeadLetterJson(
                    view + "-" + d.id(),
                    view,
                    d.generation(),
                    d.key(),
                    d.reason().name().toLowerCase(),
                    d.topic(),
                    d.partition(),
                    d.offset(),
                    d.sequence(),
                    d.eventId() == null ? null : d.eventId().toString(),
                    d.eventType(),
                    d.error(),
                    d.attempts(),
                    d.parkedAt(),
                    d.lastAttemptAt());
        }
    }

    @GetMapping("/dead-letters")
    @Operation(
            summary = "List dead letters",
            operationId = "listDeadLetters",
            description = "Admins only: the events views parked because applying them failed, of every view or of one.")
    @ApiResponse(
            responseCode = "200",
            description = "The parked events",
            content =
                    @Content(
                            mediaType = "application/json",
                            schemaProperties =
                                    @SchemaProperty(
                                            name = "items",
                                            array =
                                                    @ArraySchema(
                                                            schema = @Schema(implementation = DeadLetterJson.class)))))
    Items<DeadLetterJson> deadLetters(@RequestParam(required = false) String view) {
        List<DeadLetterJson> all = new ArrayList<>();
        for (DerivedView v : view == null ? views.views() : List.of(known(view))) {
            v.deadLetters()
                    .map(DeadLetters::list)
                    .orElse(List.of())
                    .forEach(d -> all.add(DeadLetterJson.of(v.name(), d)));
        }
        return new Items<>(all);
    }

    @GetMapping("/dead-letters/{id}")
    @Operation(
            summary = "Get a dead letter",
            operationId = "getDeadLetter",
            description = "Admins only. The id is <view>-<number>, as listed.")
    @ApiResponse(responseCode = "200", description = "The parked event")
    DeadLetterJson deadLetter(@PathVariable String id) {
        Ref ref = Ref.parse(id);
        return known(ref.view())
                .deadLetters()
                .flatMap(letters -> letters.get(ref.id()))
                .map(d -> DeadLetterJson.of(ref.view(), d))
                .orElseThrow(() -> new NotFound("dead letter", id));
    }

    record RedriveJson(int applied, int stillParked, String lastError) {
        static RedriveJson of(Redrive r) {
            return new RedriveJson(r.applied(), r.stillParked(), r.lastError());
        }
    }

    @PostMapping("/dead-letters/{id}/redrive")
    @Operation(
            summary = "Redrive a dead letter",
            operationId = "redriveDeadLetter",
            description = "Admins only: applies the parked event again, if it is the first parked for its key (else"
                    + " redrive that one or the whole key); if it fails again it stays parked.")
    @ApiResponse(responseCode = "200", description = "How many events were applied and how many are still parked")
    @ApiResponse(
            responseCode = "409",
            description = "dead-letter-not-first: an earlier dead letter of the same key must go first (its id is in"
                    + " first); dead-letter-undecodable: the record can never be applied, discard it")
    RedriveJson redrive(@PathVariable String id) {
        Ref ref = Ref.parse(id);
        DeadLetters letters = known(ref.view()).deadLetters().orElseThrow(() -> new NotFound("dead letter", id));
        letters.get(ref.id()).orElseThrow(() -> new NotFound("dead letter", id));
        return RedriveJson.of(letters.redrive(ref.id()));
    }

    /** Redrives every parked event, or those of one view, or of one key of one view. */
    @PostMapping("/dead-letters/redrive")
    @Operation(
            summary = "Redrive dead letters in bulk",
            operationId = "redriveDeadLetters",
            description = "Admins only: every parked event, or those of one view, or of one key of one view (key needs"
                    + " view).")
    @ApiResponse(responseCode = "200", description = "How many events were applied and how many are still parked")
    RedriveJson redriveAll(@RequestParam(required = false) String view, @RequestParam(required = false) String key) {
        if (key != null && view == null) {
            throw new InvalidInput("view", "is required with key");
        }
        int applied = 0;
        int parked = 0;
        String lastError = null;
        for (DerivedView v : view == null ? views.views() : List.of(known(view))) {
            Optional<DeadLetters> letters = v.deadLetters();
            if (letters.isEmpty()) {
                continue;
            }
            Redrive r = key == null ? letters.get().redriveAll() : letters.get().redriveKey(key);
            applied += r.applied();
            parked += r.stillParked();
            lastError = r.lastError() == null ? lastError : r.lastError();
        }
        return new RedriveJson(applied, parked, lastError);
    }

    private DerivedView known(String view) {
        return views.view(view);
    }

    /** A dead letter's public id: its view and its number there ({@code search-12}). */
    record Ref(String view, long id) {
        static Ref parse(String id) {
            int dash = id.lastIndexOf('-');
            try {
                return new Ref(id.substring(0, dash), Long.parseLong(id.substring(dash + 1)));
            } catch (RuntimeException e) {
                throw new InvalidInput("id", "must look like <view>-<number>, got '" + id + "'");
            }
        }
    }
}
