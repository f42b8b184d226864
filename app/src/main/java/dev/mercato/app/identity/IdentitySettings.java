package dev.mercato.app.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param jwtSecret the HMAC-SHA256 key tokens are signed with (32+ characters); embedded mode generates
 *     one into the data folder when empty
 * @param devTokens whether POST /api/v1/dev/tokens exists; never in external (production) mode
 * @param tokenHours how long a development token lives
 */
@ConfigurationProperties("mercato.identity")
public record IdentitySettings(
        @DefaultValue("") String jwtSecret,
        @DefaultValue("true") boolean devTokens,
        @DefaultValue("12") int tokenHours) {}
