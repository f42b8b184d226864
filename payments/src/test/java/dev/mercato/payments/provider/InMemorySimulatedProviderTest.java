package dev.mercato.payments.provider;

/** The contract on the in-memory store: one object is the whole provider's state, shared by every provider over it. */
class InMemorySimulatedProviderTest extends SimulatedProviderContract {

    final ProviderStore store = ProviderStore.inMemory();

    @Override
    ProviderStore store() {
        return store;
    }

    @Override
    ProviderStore sameStoreElsewhere() {
        return store;
    }
}
