/**
 * The consumer runtime for derived views: one consumer group per view and generation reads the log in
 * partition order and applies each event, its checkpoint and the key's last applied sequence in one
 * PostgreSQL transaction on the view's own schema, so a restart or a redelivery neither loses nor repeats
 * anything. Failing events are retried, then parked per key in a durable dead-letter table while other
 * keys go on; freshness (lag in events and time) is reported per partition; a view is rebuilt from the
 * start of the log into a new generation and swapped in atomically while the old one keeps serving reads.
 *
 * <p>Every derived view, whatever its store, is a {@link dev.mercato.plane.consume.DerivedView} in the
 * {@link dev.mercato.plane.consume.ViewRegistry}: the runtime's PostgreSQL views through {@link
 * dev.mercato.plane.consume.ViewRuntime#derived(String)}, views on other stores as a {@link
 * dev.mercato.plane.consume.StandaloneView} that runs its own consumer. Operators, the freshness header
 * and read-your-writes ask the registry. This package knows no Kafka type: the log adapter implements
 * {@link dev.mercato.plane.consume.LogSource}.
 */
package dev.mercato.plane.consume;
