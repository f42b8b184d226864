/** Events customers publishes: customer registered and updated (country only, no contact details). */
package dev.mercato.customers.events;
