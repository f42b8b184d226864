package dev.mercato.app.identity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * Remembers tokens already verified, so a client sending the same bearer token on every request pays the
 * signature check and claim parsing once instead of per request (a tenth of the server's CPU under a
 * checkout load). Only exact token strings that verified are remembered; an entry is never served past
 * the token's own expiry, and is dropped after {@code ttl} regardless.
 */
final class VerifiedTokens implements JwtDecoder {

    private final JwtDecoder delegate;
    private final Clock clock;
    private final Cache<String, Jwt> verified;

    VerifiedTokens(JwtDecoder delegate, Clock clock, Duration ttl, long maximumSize) {
        this.delegate = delegate;
        this.clock = clock;
        this.verified = Caffeine.newBuilder()
                .expireAfterWrite(ttl)
                .maximumSize(maximumSize)
                .build();
    }

    @Override
    public Jwt decode(String token) {
        Jwt known = verified.getIfPresent(token);
        if (known != null && (known.getExpiresAt() == null || clock.instant().isBefore(known.getExpiresAt()))) {
            return known;
        }
        // Unknown, or expired since: the delegate verifies again (and refuses an expired token).
        Jwt jwt = delegate.decode(token);
        verified.put(token, jwt);
        return jwt;
    }
}
