package dev.mercato.plane.consume;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The log as the runtime needs it, implemented by the log adapter (the only code that speaks Kafka). It
 * runs one consumer per subscription on its own thread and hands records to the sink in partition order.
 */
public interface LogSource {

    /**
     * Joins {@code group} on {@code topics}. Assignment, records and log ends are reported to {@code sink}
     * from the subscription's own thread; positions come from the sink, never from the group's committed
     * offsets (those are written only so that tools can show the group's lag).
     */
    LogSubscription subscribe(String group, List<String> topics, LogSink sink);

    /**
     * Reads every partition of {@code topics} as {@code group}'s only reader, without joining the group:
     * nothing waits for a rebalance or for the group to forget a previous process's member, so a restart
     * resumes at once. For a view whose store only this process writes (a copy kept in its own folder, or
     * any view of a platform that is alone on its store). Reported to {@code sink} as {@link #subscribe}
     * does; a topic that does not exist yet is waited for (the sink holds no partitions meanwhile). The
     * group is named only for the offsets written for tools. A source that cannot assign joins the group.
     */
    default LogSubscription assign(String group, List<String> topics, LogSink sink) {
        return subscribe(group, topics, sink);
    }

    /** The current end offset of every partition of {@code topics}. */
    Map<LogPartition, Long> endOffsets(Collection<String> topics);
}
