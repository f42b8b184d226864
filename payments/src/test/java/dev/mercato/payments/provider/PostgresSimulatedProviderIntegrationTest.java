package dev.mercato.payments.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mercato.payments.ProviderLedger.Entry;
import dev.mercato.payments.ProviderLedger.Kind;
import dev.mercato.plane.postgres.PostgresStores;
import dev.mercato.plane.testing.SharedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract on schema {@code provider} of the real PostgreSQL, reached by two sets of pools on one
 * database as two platform processes would; and what only a database can show: a call cut off between
 * acting and answering leaves nothing, and an unreachable store is a transient failure.
 */
class PostgresSimulatedProviderIntegrationTest extends SimulatedProviderContract {

    static final String DATABASE =
            "t_provider_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    static PostgresStores processA;
    static PostgresStores processB;

    @BeforeAll
    static void open() {
        processA = process();
        processB = process();
    }

    @AfterAll
    static void close() {
        processA.close();
        processB.close();
    }

    /** Pools of their own onto the shared database, as one platform process has. */
    static PostgresStores process() {
        return new PostgresStores(
                SharedPostgres.server(),
                DATABASE,
                "provider-test-secret-" + DATABASE,
                PostgresStores.PoolSettings.DEFAULT);
    }

    @BeforeEach
    void empty() {
        processA.open(PostgresProviderStore.SCHEMA)
                .jdbc()
                .sql("TRUNCATE answers, ledger, holds")
                .update();
    }

    @Override
    ProviderStore store() {
        return ProviderStore.onPostgres(processA);
    }

    @Override
    ProviderStore sameStoreElsewhere() {
        return ProviderStore.onPostgres(processB);
    }

    @Test
    void a_call_cut_off_after_booking_but_before_its_answer_is_kept_leaves_nothing_and_its_retry_acts_once()
            throws SQLException {
        SimulatedProvider provider = provider();
        String reference = approved(provider.authorize("auth:p-1", TEN, VISA, payment("p-1")));
        // The answer's insert is the call's last write: failing it there is the process dying at that point.
        admin("CREATE FUNCTION provider.cut_off() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF NEW.idempotency_key = 'capture:p-1' THEN RAISE EXCEPTION 'cut off'; END IF;"
                + " RETURN NEW; END $$");
        admin(
                "CREATE TRIGGER cut_off BEFORE INSERT ON provider.answers FOR EACH ROW EXECUTE FUNCTION provider.cut_off()");
        try {
            assertThatThrownBy(() -> provider.capture("capture:p-1", reference, TEN))
                    .hasMessageContaining("cut off");
        } finally {
            admin("DROP TRIGGER cut_off ON provider.answers");
            admin("DROP FUNCTION provider.cut_off()");
        }

        assertThat(provider.entries()).extracting(Entry::kind).containsExactly(Kind.AUTHORIZATION);
        ProviderCapture capture = restarted().capture("capture:p-1", reference, TEN);
        assertThat(capture.authorization()).isEqualTo(reference);
        assertThat(provider.entries()).extracting(Entry::kind).containsExactly(Kind.AUTHORIZATION, Kind.CAPTURE);
    }

    @Test
    void with_its_database_unreachable_the_provider_fails_transiently_and_moves_nothing() {
        try (PostgresStores down = process()) {
            SimulatedProvider provider = new SimulatedProvider(
                    ProviderStore.onPostgres(down), SimulatedProviderSettings.DETERMINISTIC, clock, slept::add);
            down.close();

            assertThatThrownBy(() -> provider.authorize("auth:p-1", TEN, VISA, payment("p-1")))
                    .isInstanceOfSatisfying(
                            TransientProviderFailure.class,
                            e -> assertThat(e.kind()).isEqualTo(TransientProviderFailure.Kind.REQUEST_FAILED));
        }
        assertThat(restarted().entries()).isEmpty();
        approved(restarted().authorize("auth:p-1", TEN, VISA, payment("p-1")));
    }

    void admin(String sql) throws SQLException {
        try (Connection c = processA.adminConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
