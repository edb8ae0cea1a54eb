/**
 * Probes behind the health checks: the storage directories and free space, and the database. They
 * return plain reports and hold no MicroProfile Health types; they must not change stored files.
 */
package dev.depot.health.control;
