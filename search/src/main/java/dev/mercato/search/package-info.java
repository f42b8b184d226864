/**
 * Search: a discovery index (Lucene in process) derived from catalog and inventory events. It owns nothing: it may lag, so it never decides whether something can be sold, and it can always be rebuilt from the log.
 */
package dev.mercato.search;
