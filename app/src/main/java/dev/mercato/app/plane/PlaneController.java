package dev.mercato.app.plane;

import dev.mercato.plane.outbox.OutboxStatus;
import dev.mercato.plane.outbox.Outboxes;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The data plane's operations API (admins only, enforced by the security filter chain). */
@RestController
@RequestMapping("/api/v1/plane")
class PlaneController {

    private final Outboxes outboxes;

    PlaneController(Outboxes outboxes) {
        this.outboxes = outboxes;
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

    record OutboxPage(List<OutboxJson> items) {}

    @GetMapping("/outbox")
    OutboxPage outbox() {
        return new OutboxPage(outboxes.status().stream().map(OutboxJson::of).toList());
    }
}
