package dev.mercato.app;

import dev.mercato.app.plane.ViewsReadiness;
import dev.mercato.catalog.Catalog;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Tells a person who just ran the platform where to look. */
@Component
class ReadyBanner {

    private static final Logger log = LoggerFactory.getLogger(ReadyBanner.class);

    private final MercatoSettings settings;
    private final Catalog catalog;
    private final ViewsReadiness views;

    ReadyBanner(MercatoSettings settings, Catalog catalog, ViewsReadiness views) {
        this.settings = settings;
        this.catalog = catalog;
        this.views = views;
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        int port = event.getApplicationContext() instanceof WebServerApplicationContext web
                ? web.getWebServer().getPort()
                : -1;
        String base = "http://localhost:" + port;
        Map<String, String> waiting = views.waiting();
        if (!waiting.isEmpty()) {
            // Start-up gave up waiting for them (after a minute): say so rather than claim to be ready.
            log.warn("""

                    ==============================================================
                     Mercato is serving but NOT READY: views not consuming yet
                       {}
                     Readiness {}/actuator/health/readiness turns UP once they are.
                    ==============================================================""", waiting, base);
            return;
        }
        log.info(
                """

                ==============================================================
                 Mercato is up ({} mode, data in {})
                   API       {}/api/v1/products?limit=5
                   OpenAPI   {}/api/v1/openapi.json
                   Health    {}/actuator/health
                 Every view is consuming. Catalog: {} products. Stop with Ctrl-C.
                ==============================================================""",
                settings.mode().name().toLowerCase(),
                settings.dataDir().toAbsolutePath().normalize(),
                base,
                base,
                base,
                catalog.count());
    }
}
