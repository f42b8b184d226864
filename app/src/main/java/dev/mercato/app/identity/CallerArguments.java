package dev.mercato.app.identity;

import dev.mercato.plane.MerchantId;
import dev.mercato.plane.security.Caller;
import dev.mercato.plane.security.Role;
import java.util.List;
import java.util.Optional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Lets any controller take a {@link Caller} parameter, built from the verified token. */
@Configuration(proxyBeanMethods = false)
class CallerArguments implements WebMvcConfigurer, HandlerMethodArgumentResolver {

    private final Claims claims;

    CallerArguments(IdentitySettings settings) {
        this.claims = new Claims(settings);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(this);
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Caller resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mav,
            NativeWebRequest request,
            WebDataBinderFactory binders) {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth == null || !(auth.getPrincipal() instanceof Jwt jwt)) {
            return Caller.ANONYMOUS;
        }
        // A token without a role Mercato knows is a caller every role check refuses (403), not a bad request.
        Optional<Role> role = claims.role(jwt).map(Role::parse);
        String merchant = claims.merchant(jwt);
        return new Caller(
                jwt.getSubject(),
                role,
                merchant == null ? Optional.empty() : Optional.of(MerchantId.ofMerchant(merchant)));
    }
}
