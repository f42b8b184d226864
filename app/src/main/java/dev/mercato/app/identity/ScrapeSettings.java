package dev.mercato.app.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may read {@code /actuator/prometheus}: a Prometheus server with HTTP basic credentials (user {@code
 * username}, password {@code password}), besides an admin token. Embedded mode generates the password into
 * {@code <data-dir>/metrics/scrape.secret} when none is set; external mode without one leaves the endpoint to
 * admin tokens only.
 */
@ConfigurationProperties("mercato.metrics.scrape")
public record ScrapeSettings(
        @DefaultValue("prometheus") String username,
        @DefaultValue("") String password) {}
