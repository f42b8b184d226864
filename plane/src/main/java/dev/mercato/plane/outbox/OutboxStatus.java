package dev.mercato.plane.outbox;

import java.time.Duration;

/**
 * One capability's outbox as an operator sees it.
 *
 * @param unpublished rows committed but not yet acknowledged by the log
 * @param oldestUnpublishedAge how long the oldest of them has waited; zero when none waits
 * @param alert the oldest has waited longer than the threshold: the relay or the log is in trouble
 * @param relay this instance's relay: LEADER (holds the lease and publishes), STANDBY, FAILING or STOPPED
 * @param published rows this instance's relay has published since it started
 */
public record OutboxStatus(
        String capability,
        long unpublished,
        Duration oldestUnpublishedAge,
        boolean alert,
        RelayState relay,
        long published,
        String lastError) {

    public enum RelayState {
        LEADER,
        STANDBY,
        FAILING,
        STOPPED
    }
}
