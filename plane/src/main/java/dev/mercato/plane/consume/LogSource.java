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

    /** The current end offset of every partition of {@code topics}. */
    Map<LogPartition, Long> endOffsets(Collection<String> topics);
}
