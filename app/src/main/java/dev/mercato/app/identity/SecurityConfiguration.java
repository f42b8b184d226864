package dev.mercato.app.identity;

import dev.mercato.app.MercatoSettings;
import dev.mercato.app.MercatoSettings.Mode;
import dev.mercato.plane.store.DataFolder;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every route is authenticated unless it is one of the few public reads; roles and tenancy are then
 * checked by each capability against the {@link dev.mercato.plane.security.Caller}. No sessions, no
 * cookies: a bearer token on every request, so CSRF does not apply.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IdentitySettings.class, ScrapeSettings.class})
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    static final String ISSUER = "https://mercato.dev/issuers/development";
    static final String SCRAPE_PATH = "/actuator/prometheus";

    /**
     * The Prometheus endpoint, in a chain of its own: a scraper authenticates with HTTP basic credentials
     * ({@link ScrapeSettings}), as Prometheus's {@code basic_auth} sends them, so it needs no token that
     * expires; an admin token works too. Nobody else reads it: metrics name every view, capability and pool.
     */
    @Bean
    @Order(1)
    SecurityFilterChain scrape(
            HttpSecurity http,
            JwtDecoder decoder,
            ScrapeSettings scrape,
            MercatoSettings settings,
            DataFolder folder,
            IdentitySettings identity)
            throws Exception {
        Claims claims = new Claims(identity);
        String password = scrape.password();
        if (password.isBlank() && settings.mode() != Mode.EXTERNAL) {
            password = folder.secret("metrics", "scrape.secret");
        }
        if (password.isBlank()) {
            log.info("{} is open to admin tokens only: set mercato.metrics.scrape.password for a scraper", SCRAPE_PATH);
        }
        byte[] expected = password.getBytes(StandardCharsets.UTF_8);
        String username = scrape.username();
        AuthenticationProvider scraper = new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication presented) {
                Object credentials = presented.getCredentials();
                boolean matches = expected.length > 0
                        && username.equals(presented.getName())
                        && credentials != null
                        && MessageDigest.isEqual(credentials.toString().getBytes(StandardCharsets.UTF_8), expected);
                if (!matches) {
                    throw new BadCredentialsException("Wrong scrape credentials");
                }
                return UsernamePasswordAuthenticationToken.authenticated(
                        username, null, List.of(new SimpleGrantedAuthority("ROLE_SCRAPER")));
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
        // This chain's manager serves both: basic credentials to the scraper, bearer tokens to their decoder.
        JwtAuthenticationProvider tokens = new JwtAuthenticationProvider(decoder);
        tokens.setJwtAuthenticationConverter(roles(claims));
        AuthenticationEntryPoint unauthenticated = (request, response, e) -> problem(
                response,
                HttpStatus.UNAUTHORIZED,
                "unauthenticated",
                "Metrics need the scrape credentials (HTTP basic, mercato.metrics.scrape; embedded mode keeps the"
                        + " password in <data-dir>/metrics/scrape.secret) or an admin bearer token.");
        http.securityMatcher(SCRAPE_PATH)
                .csrf(csrf -> csrf.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authenticationManager(new ProviderManager(scraper, tokens))
                .authorizeHttpRequests(auth -> auth.anyRequest().hasAnyRole("SCRAPER", "ADMIN"))
                .httpBasic(basic -> basic.realmName("mercato-metrics").authenticationEntryPoint(unauthenticated))
                .oauth2ResourceServer(
                        rs -> rs.jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(roles(claims)))
                                .authenticationEntryPoint(unauthenticated)
                                .accessDeniedHandler((request, response, e) -> problem(
                                        response,
                                        HttpStatus.FORBIDDEN,
                                        "forbidden",
                                        "Only a scraper or an admin reads metrics.")))
                .exceptionHandling(ex -> ex.authenticationEntryPoint(unauthenticated)
                        .accessDeniedHandler((request, response, e) -> problem(
                                response,
                                HttpStatus.FORBIDDEN,
                                "forbidden",
                                "Only a scraper or an admin reads metrics.")));
        return http.build();
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, JwtDecoder decoder, IdentitySettings identity) throws Exception {
        Claims claims = new Claims(identity);
        // A stateless API: no logout endpoint and no saved requests to replay after a login page.
        http.csrf(csrf -> csrf.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(auth -> auth.requestMatchers(
                                HttpMethod.GET, "/api/v1/products", "/api/v1/products/*", "/api/v1/categories")
                        .permitAll()
                        .requestMatchers(
                                HttpMethod.GET, "/api/v1/search", "/api/v1/openapi.json", "/api/v1/openapi.json.yaml")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/dev/tokens")
                        .permitAll()
                        // Anonymous carts: the cart's unguessable id is what reaches it; the cart
                        // capability checks ownership of customer carts itself.
                        .requestMatchers("/api/v1/carts", "/api/v1/carts/**")
                        .permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info", "/error")
                        .permitAll()
                        .requestMatchers("/api/v1/plane/**", "/api/v1/analytics/**", "/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .oauth2ResourceServer(
                        rs -> rs.jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(roles(claims)))
                                .authenticationEntryPoint((request, response, e) -> problem(
                                        response,
                                        HttpStatus.UNAUTHORIZED,
                                        "unauthenticated",
                                        "A valid bearer token is required: Authorization: Bearer <token>."
                                                + " In embedded mode, POST /api/v1/dev/tokens issues one."))
                                .accessDeniedHandler((request, response, e) -> problem(
                                        response, HttpStatus.FORBIDDEN, "forbidden", "Your role may not do this.")))
                .exceptionHandling(ex -> ex.authenticationEntryPoint((request, response, e) -> problem(
                                response,
                                HttpStatus.UNAUTHORIZED,
                                "unauthenticated",
                                "A valid bearer token is required: Authorization: Bearer <token>."))
                        .accessDeniedHandler((request, response, e) ->
                                problem(response, HttpStatus.FORBIDDEN, "forbidden", "Your role may not do this.")));
        return http.build();
    }

    private static JwtAuthenticationConverter roles(Claims claims) {
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(jwt -> claims.role(jwt)
                .map(role -> List.<GrantedAuthority>of(new SimpleGrantedAuthority("ROLE_" + role.toUpperCase())))
                .orElse(List.of()));
        return converter;
    }

    private static void problem(
            jakarta.servlet.http.HttpServletResponse response, HttpStatus status, String type, String detail)
            throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        String body = "{\"type\":\"" + URI.create("https://mercato.dev/problems/" + type) + "\",\"title\":\""
                + status.getReasonPhrase() + "\",\"status\":" + status.value() + ",\"detail\":\"" + detail + "\"}";
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * No observation around each of the security chain's filters: with a registry present, Spring Security
     * wraps every filter of every request in one, and a checkout profile spent more time in those
     * wrappers than in authentication. The request itself is still observed (http.server.requests).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecretKey tokenKey(MercatoSettings settings, IdentitySettings identity, DataFolder folder) {
        if (identity.provider()) {
            // Tokens come from the provider; the development issuer is off and this key verifies nothing.
            byte[] unused = new byte[32];
            new java.security.SecureRandom().nextBytes(unused);
            return new SecretKeySpec(unused, "HmacSHA256");
        }
        String secret = identity.jwtSecret();
        if (secret.isBlank()) {
            if (settings.mode() == Mode.EXTERNAL) {
                throw new IllegalStateException("mercato.mode=external needs mercato.identity.jwt-secret"
                        + " (32+ characters, the same on every instance).");
            }
            secret = folder.secret("identity", "jwt.secret");
        }
        if (secret.length() < 32) {
            throw new IllegalStateException("mercato.identity.jwt-secret must have at least 32 characters");
        }
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    @Bean
    JwtDecoder jwtDecoder(SecretKey key, Clock clock, IdentitySettings identity) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new TenantClaim(new Claims(identity)));
        NimbusJwtDecoder verifier;
        if (identity.provider()) {
            verifier = (identity.jwkSetUri().isBlank()
                            ? NimbusJwtDecoder.withIssuerLocation(identity.issuerUri())
                                    .jwsAlgorithms(algorithms -> identity.algorithms()
                                            .forEach(a -> algorithms.add(SignatureAlgorithm.from(a))))
                            : NimbusJwtDecoder.withJwkSetUri(identity.jwkSetUri())
                                    .jwsAlgorithms(algorithms -> identity.algorithms()
                                            .forEach(a -> algorithms.add(SignatureAlgorithm.from(a)))))
                    .build();
            if (!identity.issuerUri().isBlank()) {
                validators.add(new JwtIssuerValidator(identity.issuerUri()));
            }
            if (!identity.audiences().isEmpty()) {
                validators.add(token -> token.getAudience() != null
                                && token.getAudience().stream().anyMatch(identity.audiences()::contains)
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(new OAuth2Error(
                                "invalid_token", "The token is not meant for this platform (aud)", null)));
            }
            log.info(
                    "Bearer tokens from the identity provider {} (keys {}), algorithms {}, audiences {}",
                    identity.issuerUri().isBlank() ? "(issuer not checked)" : identity.issuerUri(),
                    identity.jwkSetUri().isBlank() ? "by discovery" : identity.jwkSetUri(),
                    identity.algorithms(),
                    identity.audiences().isEmpty() ? "(not checked)" : identity.audiences());
        } else {
            verifier = NimbusJwtDecoder.withSecretKey(key)
                    .macAlgorithm(MacAlgorithm.HS256)
                    .build();
        }
        verifier.setJwtValidator(JwtValidators.createDefaultWithValidators(validators));
        return new VerifiedTokens(verifier, clock, Duration.ofMinutes(5), 100_000);
    }

    @Bean
    JwtEncoder jwtEncoder(SecretKey key) {
        return NimbusJwtEncoder.withSecretKey(key).build();
    }
}
