package dev.mercato.app.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.plane.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

class VerifiedTokensTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    final AtomicInteger verifications = new AtomicInteger();

    /** Verifies "good-*" tokens expiring at 11:00 and refuses everything else, as a signature check would. */
    final JwtDecoder verifier = token -> {
        verifications.incrementAndGet();
        if (!token.startsWith("good-") || !clock.instant().isBefore(Instant.parse("2026-12-01T11:00:00Z"))) {
            throw new BadJwtException("refused");
        }
        return Jwt.withTokenValue(token)
                .header("alg", "HS256")
                .subject("ada")
                .issuedAt(Instant.parse("2026-12-01T09:00:00Z"))
                .expiresAt(Instant.parse("2026-12-01T11:00:00Z"))
                .build();
    };

    final VerifiedTokens tokens = new VerifiedTokens(verifier, clock, Duration.ofMinutes(5), 100);

    @Test
    void a_token_is_verified_once_while_it_is_valid() {
        for (int i = 0; i < 10; i++) {
            assertThat(tokens.decode("good-1").getSubject()).isEqualTo("ada");
        }
        assertThat(verifications.get()).isEqualTo(1);
    }

    @Test
    void a_refused_token_is_never_remembered() {
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThatThrownBy(() -> tokens.decode("forged")).isInstanceOf(BadJwtException.class);
        assertThat(verifications.get()).isEqualTo(2);
    }

    @Test
    void a_remembered_token_is_refused_once_it_expires() {
        tokens.decode("good-1");
        clock.advance(Duration.ofMinutes(61));
        assertThatThrownBy(() -> tokens.decode("good-1")).isInstanceOf(BadJwtException.class);
    }
}
