/**
 * Event payload schemas as a contract: a published schema version is frozen against breaking change,
 * checked at build time against a snapshot of what was published; a breaking change gets a new version
 * and an upcaster that rewrites the previous version's payload, so a consumer reads any old event as the
 * current version ({@link dev.mercato.plane.events.schema.Upcasters}); a small validator lets producers
 * test their payloads against their schemas. Plain Java and Jackson; capabilities wire it into their
 * tests with one line ({@link dev.mercato.plane.events.schema.EventSchemasCheck}).
 *
 * <h2>Convention</h2>
 *
 * <ul>
 *   <li>A capability keeps the schema of each event type it publishes as the classpath resource {@code
 *       events/<source>/<name>.v<N>.schema.json}, i.e. {@code <module>/src/main/resources/events/catalog/
 *       product-upserted.v1.schema.json} for {@code catalog.product-upserted.v1}. The schema is a JSON
 *       Schema draft 2020-12 subset: the root is {@code "type": "object"}; a schema uses {@code type} (a
 *       name or a list of names among string, integer, number, boolean, object, array, null), {@code
 *       properties}, {@code required}, {@code additionalProperties}, {@code items}, {@code enum}, {@code
 *       format} and annotations such as {@code description}.
 *   <li>What was published is kept as a snapshot, {@code <module>/src/test/resources/events-published/
 *       <source>/<name>.v<N>.schema.json}. The current schema must stay backward compatible with its
 *       snapshot ({@link dev.mercato.plane.events.schema.SchemaCompatibility}): no property removed or
 *       retyped (a type may only widen), no property newly required, no enum value removed, {@code
 *       additionalProperties} not turned false, no format added or changed, recursively through nested
 *       objects and array items. Keywords outside the subset may not change at all.
 *   <li>A schema without a snapshot fails the check with the command that freezes it: run the module's
 *       tests with {@code -Dmercato.events.publish=true}, which writes missing snapshots (and refreshes
 *       snapshots whose schema changed compatibly) under the module's {@code src/test/resources/
 *       events-published/}. It never overwrites a snapshot with an incompatible schema. Deleting a schema
 *       whose snapshot remains fails too.
 *   <li>A breaking change is a new version, {@code v<N+1>}, next to {@code v<N>}; the check then requires
 *       an upcaster from N to N+1 in the {@link dev.mercato.plane.events.schema.Upcasters} it is given,
 *       and versions of one type must be contiguous.
 * </ul>
 */
package dev.mercato.plane.events.schema;
