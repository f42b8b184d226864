/**
 * Search: a discovery index (Lucene, in process) derived from catalog and inventory events: full text over
 * titles and descriptions with prefixes and typos, category facets, price ranges, sorts and an indicative
 * in-stock flag. It owns nothing: it may lag, so it never decides whether something can be sold, and it
 * can always be rebuilt from the log. The index sits behind an interface so an external engine can replace
 * it.
 */
package dev.mercato.search;
