/**
 * Mailward's domain model and ports. Values are records; outcomes are sealed
 * interfaces of records; ports are small interfaces implemented by the adapter
 * modules (queue, policy, relay-core, relay-delivery, portal). This package has
 * no dependency beyond the JDK, and nothing here performs I/O.
 */
package org.mailward.api;
