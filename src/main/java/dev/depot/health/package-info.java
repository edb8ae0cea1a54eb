/**
 * Depot's health, as MicroProfile Health checks (Payara serves them at {@code /health}, {@code
 * /health/ready} and {@code /health/live}): readiness is the database (reachable, schema current), the
 * storage (results and temp directories writable, free space above {@code depot.min-free-space})
 * and the configuration (no invalid setting); liveness is the application itself. The boundary builds
 * the health answers; control does the probing. What a check reports names settings and reasons,
 * never a disk path or a password: the full detail goes to the server log.
 */
package dev.depot.health;
