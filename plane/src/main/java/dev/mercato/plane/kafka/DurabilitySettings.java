package dev.mercato.plane.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How many brokers must hold an event before the log acknowledges it to the relay, and so before the relay marks its
 * outbox row published. Until that acknowledgement the row stays unpublished in PostgreSQL and is sent again, so the
 * outbox is the durable buffer; after it, the event lives only in the log, and these settings say how many brokers
 * may be lost without losing it.
 *
 * <p>Topics the platform creates carry {@code min.insync.replicas} and {@code unclean.leader.election.enable=false} as
 * their own configs, so a cluster default cannot weaken them. Existing topics are never altered: {@link
 * LogTopics#verify} reports any that fall short.
 *
 * @param replicationFactor copies of each partition ({@code mercato.kafka.replication-factor}), for topics created from
 *     now on
 * @param minInsyncReplicas copies that must hold a record before it is acknowledged ({@code
 *     mercato.kafka.min-insync-replicas}), set as each created topic's {@code min.insync.replicas}
 * @param acks the relay producer's {@code acks} ({@code mercato.kafka.acks}); only {@code all}: the producer is
 *     idempotent, and Kafka allows no other value for that
 */
public record DurabilitySettings(int replicationFactor, int minInsyncReplicas, String acks) {

    /** The in-process broker is one node: one copy, which it fsyncs before acknowledging (see {@link EmbeddedKafka}). */
    public static final DurabilitySettings EMBEDDED = new DurabilitySettings(1, 1, "all");

    /** A cluster: three copies, two of them before an acknowledgement, so any one broker may be lost or down. */
    public static final DurabilitySettings EXTERNAL = new DurabilitySettings(3, 2, "all");

    public DurabilitySettings {
        if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "mercato.kafka.replication-factor must be 1 or more (3 for a cluster), was " + replicationFactor);
        }
        if (minInsyncReplicas < 1) {
            throw new IllegalArgumentException(
                    "mercato.kafka.min-insync-replicas must be 1 or more, was " + minInsyncReplicas);
        }
        if (minInsyncReplicas > replicationFactor) {
            throw new IllegalArgumentException("mercato.kafka.min-insync-replicas=" + minInsyncReplicas
                    + " is more than mercato.kafka.replication-factor=" + replicationFactor
                    + ": no write could ever be acknowledged. Set mercato.kafka.min-insync-replicas to at most "
                    + replicationFactor + " (" + Math.max(1, replicationFactor - 1)
                    + " keeps writes going with a broker down), or raise the replication factor.");
        }
        String given = acks == null ? "" : acks.strip();
        if (!given.equalsIgnoreCase("all") && !given.equals("-1")) {
            throw new IllegalArgumentException("mercato.kafka.acks=" + acks
                    + " is refused: the relay's producer is idempotent (a retry never doubles or reorders a"
                    + " partition's events), and Kafka requires acks=all for that. Set mercato.kafka.acks=all; how"
                    + " many brokers must hold an event before it counts as written is"
                    + " mercato.kafka.min-insync-replicas.");
        }
        acks = "all";
    }

    /**
     * Settings an operator gave, the rest from the mode's defaults; an unset {@code min-insync-replicas} is never more
     * than the replication factor given, so lowering only that stays valid.
     */
    public static DurabilitySettings of(
            DurabilitySettings defaults, Integer replicationFactor, Integer minInsyncReplicas, String acks) {
        int replicas = replicationFactor == null ? defaults.replicationFactor() : replicationFactor;
        int insync = minInsyncReplicas == null
                ? Math.min(defaults.minInsyncReplicas(), Math.max(1, replicas))
                : minInsyncReplicas;
        return new DurabilitySettings(replicas, insync, acks == null || acks.isBlank() ? defaults.acks() : acks);
    }

    /** The configs every topic the platform creates carries. */
    Map<String, String> topicConfigs() {
        return Map.of(
                // Events are the record every view is rebuilt from: nothing expires by age or size.
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "min.insync.replicas", Integer.toString(minInsyncReplicas),
                // A replica that missed acknowledged records must never become leader: it would drop them.
                "unclean.leader.election.enable", "false");
    }

    /** Valid but weak choices, worth a warning at start-up. */
    List<String> cautions() {
        List<String> cautions = new ArrayList<>();
        if (replicationFactor > 1 && minInsyncReplicas == replicationFactor) {
            cautions.add("mercato.kafka.min-insync-replicas equals mercato.kafka.replication-factor ("
                    + replicationFactor + "): any one broker down stops every write until it returns (events wait"
                    + " in the outboxes meanwhile); " + (replicationFactor - 1) + " would keep writing.");
        }
        if (replicationFactor > 1 && minInsyncReplicas == 1) {
            cautions.add("mercato.kafka.min-insync-replicas=1 with replication factor " + replicationFactor
                    + ": an acknowledged event may be on one broker only, and lost with it; 2 or more is safer.");
        }
        return cautions;
    }
}
