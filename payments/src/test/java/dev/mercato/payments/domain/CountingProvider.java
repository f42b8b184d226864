package dev.mercato.payments.domain;

import dev.mercato.payments.PaymentMethod;
import dev.mercato.payments.provider.AuthorizationResult;
import dev.mercato.payments.provider.PaymentProvider;
import dev.mercato.payments.provider.ProviderCapture;
import dev.mercato.payments.provider.ProviderRefund;
import dev.mercato.payments.provider.ProviderVoid;
import dev.mercato.plane.Money;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Passes calls to a provider and counts them per operation: shows when payments did not call it at all. */
final class CountingProvider implements PaymentProvider {

    private final PaymentProvider provider;
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

    CountingProvider(PaymentProvider provider) {
        this.provider = provider;
    }

    long calls(String operation) {
        LongAdder count = calls.get(operation);
        return count == null ? 0 : count.sum();
    }

    private void count(String operation) {
        calls.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    @Override
    public AuthorizationResult authorize(String key, Money amount, PaymentMethod method, Map<String, String> metadata) {
        count("authorize");
        return provider.authorize(key, amount, method, metadata);
    }

    @Override
    public ProviderCapture capture(String key, String authorization, Money amount) {
        count("capture");
        return provider.capture(key, authorization, amount);
    }

    @Override
    public ProviderVoid voidAuthorization(String key, String authorization) {
        count("void");
        return provider.voidAuthorization(key, authorization);
    }

    @Override
    public Optional<ProviderVoid> voidByAuthorizationKey(String key, String authorizationKey) {
        count("void");
        return provider.voidByAuthorizationKey(key, authorizationKey);
    }

    @Override
    public ProviderRefund refund(String key, String authorization, Money amount) {
        count("refund");
        return provider.refund(key, authorization, amount);
    }
}
